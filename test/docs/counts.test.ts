// The documentation says what the code does: the counts it states (flows, topics, global intents,
// settings) are derived here from the flows and the config schema; every setting has its row in
// docs/configuration.md; and every link in the README, the changelog and docs/ reaches a file (and
// a heading) inside the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CHANNELS } from '../../src/channels/registry.ts';
import { main } from '../../src/cli.ts';
import { ENV_KEYS } from '../../src/config.ts';
import { loadFlows } from '../../src/flows/loader.ts';
import { filesUnder, isText, SCANNED } from '../helpers/repo-files.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const DOCS = ['README.md', 'CHANGELOG.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The environment keys a zod slice reads (a channel's `config`: an object, or an object piped into a transform). */
function keysOf(schema: z.ZodType): string[] {
  const def = (schema as unknown as { def: { type: string; in?: z.ZodType; shape?: Record<string, unknown> } }).def;
  if (def.type === 'pipe' && def.in) return keysOf(def.in);
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  throw new Error(`cannot list the keys of a ${def.type} slice`);
}

const loaded = loadFlows(path.join(ROOT, 'flows'));
const SETTINGS = [...new Set([...ENV_KEYS, ...CHANNELS.flatMap((c) => keysOf(c.config as z.ZodType))])].sort();
const COUNTS: Record<string, number> = {
  flows: loaded.flows.size,
  topics: [...loaded.flows.values()].filter((f) => f.topic).length,
  'global intents': Object.keys(loaded.intents).length,
  settings: SETTINGS.length,
};

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
const NUMBER = `\\d+|${WORDS.join('|')}`;
/** How the documentation states a count: "there are 9 flows", "all 109 settings" (other numbers before these words are not counts). */
const STATED = new RegExp(`\\b(?:there are|all)\\s+(${NUMBER})\\s+(${Object.keys(COUNTS).join('|')})\\b`, 'gi');

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (markdown: string) => new Set([...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug((m[1] as string).replace(/`/g, ''))));

describe('the documentation', () => {
  it('states the counts the code has', () => {
    expect(loaded.problems).toEqual([]);
    const stated: string[] = [];
    for (const file of DOCS) {
      for (const m of read(file).matchAll(STATED)) {
        const said = m[1] as string;
        const n = /^\d+$/.test(said) ? Number(said) : WORDS.indexOf(said.toLowerCase());
        const what = (m[2] as string).toLowerCase();
        stated.push(`${file}: ${m[0]}`.toLowerCase());
        expect(n, `${file} says "${m[0]}"; there are ${COUNTS[what]} ${what}`).toBe(COUNTS[what]);
      }
    }
    // The README and the subject files say how many there are.
    for (const what of ['flows', 'settings', 'global intents', 'topics']) expect(stated.some((s) => s.endsWith(what)), what).toBe(true);
  });

  it("the README's table of commands has every command of --help, with its options", async () => {
    let help = '';
    expect(await main(['--help'], { out: (t) => (help += t), err: () => undefined }, {})).toBe(0);
    // Each command's usage line: the command and its options, as --help prints them.
    const usages: string[] = [];
    for (const line of help.split('\n')) {
      const head = (text: string) => text.trim().split(/ {2,}/)[0] as string;
      if (/^ {2}[a-z]/.test(line)) usages.push(head(line));
      else if (/^ +\[/.test(line) && usages.length) usages.push(`${usages.pop() as string} ${head(line)}`);
    }
    const readme = read('README.md').replace(/\\\|/g, '|');
    const rows = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
    for (const usage of usages) {
      const command = usage.split(' [')[0]?.split(' --')[0] as string;
      expect(rows.some((r) => r.startsWith(command)), `README has no row for "${command}"`).toBe(true);
      for (const option of usage.match(/--[a-z-]+/g) ?? []) expect(rows.filter((r) => r.startsWith(command)).join(' '), `README: ${command} ${option}`).toContain(option);
    }
    expect(usages.length).toBeGreaterThanOrEqual(8);
  });

  it('lists every setting in docs/configuration.md, and no setting that is gone', () => {
    const rows = [...read('docs/configuration.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1] as string).sort();
    expect(rows).toEqual(SETTINGS);
    const example = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string).sort();
    expect(example).toEqual(SETTINGS);
  });

  it("the layout in docs/architecture.md names every folder of src/ and every port", () => {
    const architecture = read('docs/architecture.md');
    const layout = architecture.slice(architecture.indexOf('## Layout'), architecture.indexOf('## ', architecture.indexOf('## Layout') + 3));
    const folders = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `src/${e.name}/`);
    const ports = readdirSync(path.join(ROOT, 'src/ports')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
    expect(folders.filter((f) => !layout.includes(f))).toEqual([]);
    // The ports' entry: from its line to the next entry's.
    const entry = (layout.split(/\n(?=\S)/).find((l) => l.startsWith('src/ports/')) ?? '').replace(/\s+/g, ' ');
    expect(ports.filter((p) => !new RegExp(`[ (,]${p}[ ,)]|${p}$`).test(entry))).toEqual([]);
  });

  it('links only to files and headings inside the repository', () => {
    const broken: string[] = [];
    for (const file of DOCS) {
      const text = read(file).replace(/```[\s\S]*?```/g, '');
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)|\bsrc="([^"]+)"/g)].map((m) => (m[1] ?? m[2]) as string);
      for (const target of targets) {
        if (/^(https?:|mailto:)/.test(target)) continue;
        const [file2, anchor] = target.split('#') as [string, string | undefined];
        const resolved = file2 ? path.resolve(path.dirname(path.join(ROOT, file)), file2) : path.join(ROOT, file);
        if (!resolved.startsWith(`${ROOT}${path.sep}`) || !existsSync(resolved)) {
          broken.push(`${file}: ${target}`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
      }
      expect(text, file).not.toMatch(/\.\.\/shared|\/work\/|ARCHITECTURE\.md/);
    }
    expect(broken).toEqual([]);
  });

  it('every file or folder of the repository it names in backticks exists', () => {
    // Made by the tests, or by the operator from .env.example: named, never committed.
    const generated = new Set(['test/artifacts/', 'deploy/helpdesk.env']);
    const missing: string[] = [];
    for (const file of DOCS) {
      for (const m of read(file).matchAll(/`((?:src|test|bench|deploy|flows|bin|slack|docs)\/[^`\s]*)`/g)) {
        const named = m[1] as string;
        if (/[*<{]/.test(named) || generated.has(named)) continue;
        if (!existsSync(path.join(ROOT, named))) missing.push(`${file}: ${named}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('nothing in the repository points at files outside it', () => {
    const self = path.relative(ROOT, import.meta.filename);
    const outside = SCANNED.flatMap(filesUnder)
      .filter((f) => f !== self && isText(f))
      .filter((f) => /\.\.\/shared\/(?:ARCHITECTURE|STYLE|domain)|\/work\/|ARCHITECTURE\.md/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });
});
