// The import rules hold (test/architecture/rules.ts): channels see ports only, ports import only
// ports, the engine and the checks import no SDK and no adapter, config imports no adapter, and no
// two files or folders import each other; docs/architecture.md draws the same rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEING_MENDED, cycles, fileCycles, folderCycles, importsOf, isBeingMended, mermaid, sourceFiles, violations } from './rules.ts';

const imports = importsOf(sourceFiles());
const broken = violations(imports);
const folderLoops = folderCycles(imports).map((c) => ({ from: 'cycle:', to: c.join('+') }));
const fileLoops = fileCycles(imports).map((c) => ({ from: 'cycle:', to: c.join('+') }));

describe('import rules', () => {
  it('every import keeps the rules (or is on the list being mended)', () => {
    const fresh = broken.filter((v) => !isBeingMended(v)).map((v) => `${v.from} → ${v.to}: ${v.rule}`);
    expect(fresh).toEqual([]);
  });

  it('no two files import each other, directly or round a loop (or the loop is on the list being mended)', () => {
    expect(fileLoops.filter((c) => !isBeingMended(c)).map((c) => c.to)).toEqual([]);
  });

  it('no two folders import each other (or the loop is on the list being mended)', () => {
    expect(folderLoops.filter((c) => !isBeingMended(c)).map((c) => c.to)).toEqual([]);
  });

  it('the list being mended holds only what is still broken', () => {
    const stale = BEING_MENDED.filter((m) => ![...broken, ...folderLoops, ...fileLoops].some((v) => v.from.startsWith(m.from) && v.to === m.to));
    expect(stale.map((m) => `${m.from} → ${m.to} (${m.why}): mended, delete the entry`)).toEqual([]);
  });

  it('finds what it is for: a broken rule and a loop in a made-up graph', () => {
    const made = [
      { from: 'src/ports/a.ts', to: 'src/engine/b.ts', kind: 'file' as const },
      { from: 'src/engine/b.ts', to: 'src/ports/a.ts', kind: 'file' as const },
      { from: 'src/checks/c.ts', to: 'pg', kind: 'package' as const },
      { from: 'src/engine/d.ts', to: 'dns2', kind: 'package' as const },
    ];
    expect(violations(made).map((v) => v.rule)).toEqual([
      'ports may not import engine',
      'checks imports no SDK (only zod, yaml, lru-cache, cockatiel)',
      'dns2 only in src/adapters/dns.ts',
      'engine imports no SDK (only zod, yaml, lru-cache, cockatiel)',
    ]);
    expect(fileCycles(made)).toEqual([['src/engine/b.ts', 'src/ports/a.ts']]);
    expect(cycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']])).toEqual([['a', 'b', 'c']]);
  });

  it('docs/architecture.md draws these rules (npm run architecture prints the picture)', () => {
    expect(readFileSync('docs/architecture.md', 'utf8')).toContain(mermaid());
  });
});
