#!/usr/bin/env node
// The `2fa-helpdesk` command. Runs the JavaScript compiled at install (`npm run build`, run by
// `npm install` through `prepare`; a release made by `npm pack` ships it), which starts in a fraction
// of the time; when dist/ is missing or older than src/ (a checkout being edited), it runs the
// TypeScript sources through tsx instead.
import path from 'node:path';
import { distIsFresh } from './dist-fresh.js';

const compiled = distIsFresh(path.join(import.meta.dirname, '..'));
let main;
if (compiled) {
  ({ main } = await import('../dist/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
const code = await main(process.argv.slice(2));
// Every command has finished its work and written its output (synchronously, on Linux, to a
// terminal, file or pipe): whatever is still closing (a relay or a platform that never answers,
// a socket in TIME_WAIT) must not keep the process alive.
process.exit(code);
