// The command line as a person learns it: every command answers --help with its options and an
// example, a mistyped option names the one meant, and `flows test --min` gates a flow author's CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, nearestOption } from '../../src/cli.ts';
import { BIN, ROOT } from '../helpers/cli.ts';

/** Every module the real command resolves for `argv`, as node's loader hooks see them. */
function modulesLoaded(argv: string[]): string[] {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), '2fa-modules-')), 'resolved.txt');
  const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(process.env.MODULES_LOG, r.url + '\\n'); return r; }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, BIN, ...argv], { cwd: ROOT, env: { PATH: process.env.PATH, MODULES_LOG: log }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const status = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, env);
  return { status, out, err };
}

const COMMANDS = ['serve', 'chat', 'diagnose', 'flows', 'watches', 'understand', 'report', 'discord', 'privacy'];

describe('--help', () => {
  it.each(COMMANDS)('%s --help prints its usage, an example and the exit codes, exit 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const r = await run([command, flag]);
      expect(r.status).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toContain(`  ${command}`);
      expect(r.out).toMatch(new RegExp(`Example:\\n  .*2fa-helpdesk ${command}`));
      expect(r.out).toContain('Exit status: 0');
    }
  });

  it('the general help lists every command, and --help after other options still helps', async () => {
    const r = await run(['--help']);
    for (const c of COMMANDS) expect(r.out).toContain(`  ${c}`);
    expect((await run(['diagnose', '--user', 'alice', '--help'])).status).toBe(0);
  });
});

describe('the help path', () => {
  // It starts in about the time node itself takes (bench --startup measures it): the commands' code,
  // the configuration's schemas and every SDK load only when a command runs.
  it.each([[['--help']], [['diagnose', '--help']], [['privacy', '-h']]])('%j loads the dispatch and nothing of the commands', (argv) => {
    const urls = modulesLoaded(argv);
    const own = urls.filter((u) => u.startsWith('file:') && !u.includes('/node_modules/')).map((u) => path.relative(ROOT, fileURLToPath(u)).replace(/^(dist|src)\//, '').replace(/\.(js|ts)$/, ''));
    expect(own.sort()).toEqual(['bin/2fa-helpdesk', 'bin/dist-fresh', 'cli', 'cli/io', 'errors']);
    const packages = urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean);
    for (const heavy of ['zod', 'yaml', '@slack/bolt', 'discord.js', 'pg', 'ioredis', 'better-sqlite3', 'pino', 'prom-client']) expect(packages).not.toContain(heavy);
  });

  it('a command that runs loads its code (the check above can fail)', () => {
    const own = modulesLoaded(['flows', 'check', path.join(ROOT, 'flows')]).filter((u) => u.includes('/cli/commands.'));
    expect(own).toHaveLength(1);
  });
});

describe('an unknown option', () => {
  it.each([
    [['diagnose', '--usr', 'alice'], '--user'],
    [['diagnose', '--user', 'alice', '--devicetime', '14:00:00'], '--device-time'],
    [['chat', '--lnag', 'sv'], '--lang'],
    [['watches', '--overdu'], '--overdue'],
    [['flows', 'test', '--conversation'], '--conversations'],
  ])('%j exits 2 naming %s', async (argv, meant) => {
    const r = await run(argv);
    expect(r.status).toBe(2);
    expect(r.err).toContain(`did you mean ${meant}?`);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('names nothing when nothing is near', async () => {
    expect(nearestOption('--frobnicate', '  diagnose --user NAME --ip ADDR')).toBeUndefined();
    const r = await run(['serve', '--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.err).not.toContain('did you mean');
  });
});

describe('flows test --min', () => {
  const env = { FLOWS_DIR: path.join(ROOT, 'flows') };
  const file = path.join(ROOT, 'test/understanding/messages.yaml');

  it('exits 1 when a file is understood less often than the threshold, 0 when it reaches it', async () => {
    const under = await run(['flows', 'test', file, '--min', '100'], env);
    expect(under.status).toBe(1);
    expect(under.err).toContain('under --min 100%');
    const over = await run(['flows', 'test', file, '--min', '50'], env);
    expect(over.status).toBe(0);
    expect(over.err).toBe('');
  });

  it.each(['abc', '101', '-5'])('--min %s is bad input, exit 2', async (value) => {
    expect((await run(['flows', 'test', file, '--min', value], env)).status).toBe(2);
  });
});
