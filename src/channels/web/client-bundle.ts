// The page's scripts: the TypeScript modules in client/, bundled by esbuild into one script a page.
// `npm run build` writes the bundles into static/ beside the compiled server (bin/build.js); run
// from the sources (tsx, the tests) they are bundled in memory when the server starts, so a page
// always runs the client code of the server that serves it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Each script the pages load, and the module it starts from. */
export const CLIENT_ENTRIES = { 'app.js': 'app.ts', 'clock.js': 'clock-page.ts' } as const;
export type ClientScript = keyof typeof CLIENT_ENTRIES;

/** Bundles the client modules in `clientDir`: one self-contained script for each entry. */
export async function bundleClient(clientDir: string): Promise<Record<ClientScript, string>> {
  const { build } = await import('esbuild');
  const names = Object.keys(CLIENT_ENTRIES) as ClientScript[];
  const result = await build({
    entryPoints: names.map((name) => ({ in: path.join(clientDir, CLIENT_ENTRIES[name]), out: name.replace(/\.js$/, '') })),
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const out = {} as Record<ClientScript, string>;
  for (const name of names) {
    const file = result.outputFiles.find((f) => path.basename(f.path) === name);
    if (!file) throw new Error(`esbuild wrote no ${name}`);
    out[name] = file.text;
  }
  return out;
}

let fromSources: Promise<Record<ClientScript, string>> | undefined;

/** The scripts: built ones beside the server (a compiled build), else bundled once from client/. */
export function clientScripts(staticDir: string): Promise<Record<ClientScript, string>> {
  const names = Object.keys(CLIENT_ENTRIES) as ClientScript[];
  if (names.every((name) => existsSync(path.join(staticDir, name)))) {
    return Promise.resolve(Object.fromEntries(names.map((name) => [name, readFileSync(path.join(staticDir, name), 'utf8')])) as Record<ClientScript, string>);
  }
  fromSources ??= bundleClient(path.join(staticDir, '..', 'client'));
  return fromSources;
}
