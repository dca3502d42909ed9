#!/usr/bin/env node
// npm-shrinkwrap.json belongs to a release only: `npm pack` copies package-lock.json to it (prepack)
// and removes it after (postpack). One left in a checkout by a pack cut short would win over
// package-lock.json for every `npm install` and `npm ci` here, so it is removed before the tests
// (pretest), saying so. A release (no src/) keeps its own. Usage: no-stray-shrinkwrap.js [folder]
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));
const stray = path.join(root, 'npm-shrinkwrap.json');
if (existsSync(path.join(root, 'src')) && existsSync(stray)) {
  rmSync(stray);
  process.stderr.write(`removed ${stray}: a pack left it behind, and npm would prefer it to package-lock.json\n`);
}
