#!/usr/bin/env node
// Whether dist/ (the compiled code) can run as it is: built, and no older than src/. A release has
// dist/ and no src/, so it is fresh as shipped. Run as a script (`prepare`) it exits 0 when fresh and
// 1 when a build is needed, so installing a release never asks for the TypeScript compiler.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/ is built and at least as new as src/ (or there is no src/, as in a release). */
export function distIsFresh(root) {
  const stamp = path.join(root, 'dist/.built');
  if (!existsSync(stamp)) return false;
  const src = path.join(root, 'src');
  return !existsSync(src) || statSync(stamp).mtimeMs >= newestMtime(src);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(distIsFresh(path.join(import.meta.dirname, '..')) ? 0 : 1);
