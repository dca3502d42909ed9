// The systemd unit's install, as an operator follows it, in a clean temporary folder: a release made
// by `npm pack` from a copy of this checkout (dist/ compiled, dependencies pinned by
// npm-shrinkwrap.json; the checkout itself is never packed, so a test cut short leaves no shrinkwrap
// in it for npm to prefer to package-lock.json), the
// unit's `host$` steps run on it (unpack, `npm ci --omit=dev`: no TypeScript compiler, no dev
// dependency), then the unit's ExecStartPre checks and its ExecStart on the demo defaults, /healthz,
// and a stop. About 13 s of CPU (pack 1.5 s, npm ci 9 s, serve 2 s); 20-45 s wall on the shared
// 2-core machine at a load of 12-16, less on an idle one. The install comes from npm's cache
// (--prefer-offline), and better-sqlite3 gets the module this checkout already compiled as a local
// prebuilt (prebuild-install's documented npm_config_<package>_local_prebuilds), not a second
// 60-100 s compile; its install script still runs and loads the module before accepting it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const unit = readFileSync(path.join(ROOT, 'deploy/2fa-helpdesk.service'), 'utf8');
const keys = (key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
/** The commands the unit's comment gives for the build machine (`build$`) and the server (`host$`). */
const steps = (who: string) => unit.split('\n').flatMap((l) => (l.startsWith(`#   ${who}$ `) ? [l.slice(`#   ${who}$ `.length)] : []));

const work = mkdtempSync(path.join(tmpdir(), '2fa-release-'));
const opt = path.join(work, 'opt/2fa-helpdesk');
/** The unit's paths, moved into the temporary folder. */
const here = (line: string) => line.replaceAll('/opt/2fa-helpdesk', opt);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8' });
  expect(r.status, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** better-sqlite3's compiled module as the prebuilt archive prebuild-install would download. */
function localPrebuilds(): string {
  const dir = path.join(work, 'prebuilds');
  mkdirSync(dir);
  const pkg = path.join(ROOT, 'node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  sh(`tar -czf ${JSON.stringify(path.join(dir, name))} build/Release/better_sqlite3.node`, pkg);
  return dir;
}

/**
 * What `npm pack` reads, copied with its times (dist/ stays as fresh as it was against src/), and
 * this checkout's node_modules linked for a build that is needed.
 */
function checkoutCopy(): string {
  const dir = path.join(work, 'checkout');
  mkdirSync(dir);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  const entries = new Set(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'README.md', ...pkg.files.map((f) => f.split('/')[0] as string)]);
  for (const entry of entries) {
    if (entry !== 'npm-shrinkwrap.json' && existsSync(path.join(ROOT, entry))) cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  return dir;
}

describe('a shrinkwrap left in a checkout', () => {
  it('is removed before the tests (pretest), saying so; a release (no src/) keeps its own', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.pretest).toMatch(/^node bin\/no-stray-shrinkwrap\.js && /);
    const guard = path.join(ROOT, 'bin/no-stray-shrinkwrap.js');
    const checkout = mkdtempSync(path.join(work, 'stray-'));
    mkdirSync(path.join(checkout, 'src'));
    writeFileSync(path.join(checkout, 'npm-shrinkwrap.json'), '{}');
    const r = spawnSync(process.execPath, [guard, checkout], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/removed .*npm-shrinkwrap\.json/);
    expect(existsSync(path.join(checkout, 'npm-shrinkwrap.json'))).toBe(false);
    const release = mkdtempSync(path.join(work, 'release-'));
    writeFileSync(path.join(release, 'npm-shrinkwrap.json'), '{}');
    expect(spawnSync(process.execPath, [guard, release]).status).toBe(0);
    expect(existsSync(path.join(release, 'npm-shrinkwrap.json'))).toBe(true);
  });
});

describe('the systemd unit installs a release and serves', () => {
  it('documents the steps: pack where the compiler is, unpack and npm ci --omit=dev on the server', () => {
    expect(steps('build')).toEqual(['npm ci && npm pack']);
    expect(steps('host').join('\n')).toContain('npm ci --omit=dev');
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/2fa-helpdesk\/env$/m);
    expect(unit).toContain('node --version');
  });

  it('runs them in a clean folder: no compiler, no dev dependency, /healthz answers, SIGTERM stops it', { timeout: 240_000 }, async () => {
    // The build machine's `npm ci` is this checkout's; its `npm pack` builds dist/ if src/ is newer.
    const checkout = checkoutCopy();
    sh(`npm pack --silent --pack-destination ${JSON.stringify(work)}`, checkout);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const listed = sh(`tar -tzf ${tarball}`, work).split('\n');
    expect(listed).toContain('package/dist/cli.js');
    expect(listed).toContain('package/dist/.built');
    expect(listed).toContain('package/npm-shrinkwrap.json');
    expect(listed.filter((f) => /^package\/(src|test|bench)\//.test(f))).toEqual([]);
    expect(existsSync(path.join(checkout, 'npm-shrinkwrap.json')), 'the checkout keeps no shrinkwrap after pack').toBe(false);

    const env = { ...process.env, npm_config_better_sqlite3_local_prebuilds: localPrebuilds(), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    for (const step of steps('host')) sh(here(step), work, env);
    const installed = readdirSync(path.join(opt, 'node_modules'));
    expect(installed).toContain('better-sqlite3');
    for (const dev of ['typescript', 'vitest', 'playwright-core', 'kubernetes-models']) expect(installed).not.toContain(dev);
    expect(existsSync(path.join(opt, 'src')), 'a release has no sources').toBe(false);

    for (const pre of keys('ExecStartPre')) sh(here(pre), opt);
    const [exec] = keys('ExecStart').map(here);
    const argv = (exec ?? '').replace(/^\/usr\/bin\/env /, '').split(' ');
    expect(argv.slice(0, 1)).toEqual(['node']);
    // The demo defaults: no env file, nothing configured but where to keep data and what not to reach.
    const dataDir = path.join(work, 'data');
    const child = spawn(process.execPath, argv.slice(1), {
      cwd: keys('WorkingDirectory').map(here)[0],
      env: { PATH: process.env.PATH, HOME: work, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error', NTP_SERVERS: '', DNS_SERVERS: '127.0.0.1:9' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /is serving the support page on (http:\/\/[^\s]+)/.exec(stderr);
        if (m) resolve(m[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(dataDir)).toBe(true);
  });
});
