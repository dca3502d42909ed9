#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const args = process.argv.slice(2);
const code = await main(args);
// `serve` has stopped what it could within its deadline: a relay or a platform that never answers
// must not keep the process alive. Other commands end when their work is done.
if (args[0] === 'serve') process.exit(code);
process.exitCode = code;
