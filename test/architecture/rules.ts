// The import rules of src/, as data: which part of the code may import which, which libraries a
// part may use, and the violations still being mended (each with who mends it). The test beside
// this file checks every import against them; docs/architecture.md draws them (`npm run architecture`).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The parts of src/: a folder, or a file at the top. */
export const PARTS = [
  'errors',
  'ports',
  'config',
  'i18n',
  'flows',
  'understanding',
  'engine',
  'checks',
  'privacy',
  'adapters',
  'watch',
  'integrations',
  'channels',
  'conversation-tests',
  'app',
  'main',
  'cli',
] as const;
export type Part = (typeof PARTS)[number];

/** Which parts each part may import (itself always). errors.ts imports nothing and anyone may import it. */
export const MAY_IMPORT: Record<Part, readonly Part[]> = {
  errors: [],
  ports: ['errors'],
  // The channels' registry: each channel's own keys and their rules join the environment schema.
  config: ['channels', 'ports', 'errors', 'checks'],
  i18n: ['ports', 'errors'],
  // The flow files' shape, loading and graph rules, and the centre's words their messages use.
  flows: ['checks', 'ports', 'i18n', 'errors'],
  understanding: ['flows', 'checks', 'ports', 'i18n', 'errors'],
  engine: ['understanding', 'flows', 'checks', 'ports', 'i18n', 'errors'],
  checks: ['ports', 'i18n', 'errors'],
  privacy: ['checks', 'ports', 'errors'],
  adapters: ['checks', 'engine', 'flows', 'understanding', 'privacy', 'i18n', 'ports', 'errors'],
  watch: ['checks', 'engine', 'flows', 'ports', 'i18n', 'errors'],
  integrations: ['ports', 'errors'],
  channels: ['ports', 'errors'],
  'conversation-tests': ['engine', 'flows', 'understanding', 'checks', 'adapters', 'i18n', 'ports', 'config', 'errors'],
  app: ['config', 'adapters', 'engine', 'flows', 'understanding', 'checks', 'watch', 'privacy', 'integrations', 'channels', 'i18n', 'ports', 'errors'],
  // main.ts re-exports the helpdesk from app/ and nothing else.
  main: ['app'],
  cli: ['main', 'app', 'config', 'adapters', 'engine', 'flows', 'understanding', 'checks', 'channels', 'conversation-tests', 'i18n', 'ports', 'errors'],
};

/** Libraries for plumbing that any part but the ports may use; ports use zod only. */
export const UTILITY_LIBRARIES = ['zod', 'yaml', 'lru-cache', 'cockatiel'];

/** Parts that speak to no SDK: only node's own modules and the utility libraries. */
export const NO_SDK: readonly Part[] = ['errors', 'ports', 'config', 'i18n', 'flows', 'understanding', 'engine', 'checks', 'privacy', 'watch'];

/** An SDK and where it may be imported (a path prefix under src/). */
export const SDK_HOMES: Record<string, readonly string[]> = {
  '@slack/bolt': ['src/channels/slack/'],
  '@slack/web-api': ['src/channels/slack/'],
  'discord.js': ['src/channels/discord/'],
  // discord.js's own WebSocket library: the one resume a new leader makes of the previous session.
  ws: ['src/channels/discord/session.ts'],
  // The tests' DNS server (test/peers/dns-server.ts); should src/ speak to dns2 again, only the DNS adapter may.
  dns2: ['src/adapters/dns.ts'],
  // The web port's plumbing (docs/architecture.md, "Libraries, and why").
  'find-my-way': ['src/channels/web/'],
  cookie: ['src/channels/web/'],
  helmet: ['src/channels/web/'],
  // The web channel's own library, as find-my-way is: it draws the QR codes the page shows (the
  // clock link, an enrolment link); the demo back-end's enrolment page draws its own.
  qrcode: ['src/channels/web/', 'src/adapters/demo-enrollment.ts'],
  // Bundles the page's TypeScript client modules (at build, or at start when run from the sources).
  esbuild: ['src/channels/web/client-bundle.ts'],
};

/**
 * Violations being mended, each by whom: a rule broken here does not fail the test, and an entry
 * that no longer matches anything does (delete it when you mend it). `from` is a path prefix,
 * `to` a part, a package or `cycle:<part>+<part>` for a cycle between folders.
 */
export const BEING_MENDED: ReadonlyArray<{ from: string; to: string; why: string }> = [];

export interface Import {
  from: string;
  /** A file under src/ (relative path), or a package name. */
  to: string;
  kind: 'file' | 'package';
}

export function partOf(file: string): Part | undefined {
  const rel = file.replace(/^src\//, '');
  const top = rel.split('/')[0] ?? '';
  const name = rel.includes('/') ? top : top.replace(/\.ts$/, '').replace(/^config-.*$/, 'config');
  return (PARTS as readonly string[]).includes(name) ? (name as Part) : undefined;
}

export function sourceFiles(root = 'src'): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(p.split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

/** Every import, static or dynamic, type-only or not, of every file under src/. */
export function importsOf(files: string[]): Import[] {
  const out: Import[] = [];
  for (const from of files) {
    const info = ts.preProcessFile(readFileSync(from, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith('.')) out.push({ from, to: path.posix.normalize(path.posix.join(path.posix.dirname(from), fileName)), kind: 'file' });
      else out.push({ from, to: packageName(fileName), kind: 'package' });
    }
  }
  return out;
}

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export interface Violation {
  from: string;
  to: string;
  rule: string;
}

/** What breaks a rule, one line each, before the list of what is being mended is applied. */
export function violations(imports: Import[]): Violation[] {
  const out: Violation[] = [];
  for (const i of imports) {
    const from = partOf(i.from);
    if (!from) continue;
    if (i.kind === 'file') {
      const to = partOf(i.to);
      if (!to || to === from || to === 'errors') continue;
      if (!MAY_IMPORT[from].includes(to)) out.push({ from: i.from, to, rule: `${from} may not import ${to}` });
      continue;
    }
    const pkg = i.to;
    if (pkg.startsWith('node:')) {
      if (from === 'ports') out.push({ from: i.from, to: pkg, rule: 'ports import nothing but ports and zod' });
      continue;
    }
    const homes = SDK_HOMES[pkg];
    if (homes && !homes.some((h) => i.from.startsWith(h))) out.push({ from: i.from, to: pkg, rule: `${pkg} only in ${homes.join(', ')}` });
    if (from === 'ports' && pkg !== 'zod') out.push({ from: i.from, to: pkg, rule: 'ports import nothing but ports and zod' });
    else if (NO_SDK.includes(from) && !UTILITY_LIBRARIES.includes(pkg)) out.push({ from: i.from, to: pkg, rule: `${from} imports no SDK (only ${UTILITY_LIBRARIES.join(', ')})` });
    else if (from === 'channels' && !homes && !UTILITY_LIBRARIES.includes(pkg) && !CHANNEL_LIBRARIES.includes(pkg)) {
      out.push({ from: i.from, to: pkg, rule: `channels import their SDK and ${[...UTILITY_LIBRARIES, ...CHANNEL_LIBRARIES].join(', ')} only` });
    }
  }
  return out;
}

/** Libraries every channel may use besides its own SDK (the web channel's HTTP framework goes here). */
export const CHANNEL_LIBRARIES: readonly string[] = [];

/** Strongly connected components of more than one node (or a node importing itself): the cycles. */
export function cycles(edges: Array<[string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (!next.has(a)) next.set(a, new Set());
    if (!next.has(b)) next.set(b, new Set());
    next.get(a)?.add(b);
  }
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
        on.delete(w);
        scc.push(w);
      }
      if (scc.length > 1 || next.get(v)?.has(v)) found.push(scc.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!idx.has(v)) visit(v);
  return found.sort((a, b) => a.join().localeCompare(b.join()));
}

export function fileCycles(imports: Import[]): string[][] {
  return cycles(imports.filter((i) => i.kind === 'file').map((i) => [i.from, i.to]));
}

export function folderCycles(imports: Import[]): string[][] {
  const edges: Array<[string, string]> = [];
  for (const i of imports) {
    if (i.kind !== 'file') continue;
    const a = partOf(i.from);
    const b = partOf(i.to);
    if (a && b && a !== b) edges.push([a, b]);
  }
  return cycles(edges);
}

export function isBeingMended(v: { from: string; to: string }): boolean {
  return BEING_MENDED.some((m) => v.from.startsWith(m.from) && v.to === m.to);
}

/** The picture in docs/architecture.md: the parts and who may import whom. */
export function mermaid(): string {
  const id = (p: Part) => p.replace(/-/g, '_');
  const lines = ['```mermaid', 'graph TD'];
  for (const p of PARTS) lines.push(`  ${id(p)}["${p === 'main' || p === 'cli' || p === 'errors' ? `${p}.ts` : `${p}/`}"]`);
  for (const p of PARTS) for (const to of MAY_IMPORT[p]) if (to !== 'errors') lines.push(`  ${id(p)} --> ${id(to)}`);
  lines.push('```');
  return lines.join('\n');
}
