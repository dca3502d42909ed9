// The install examples people copy: the Slack app manifest is valid YAML carrying the fields Slack's
// manifest schema requires and every scope and event the Slack channel's code uses; the compose file
// is accepted by docker-compose (1.29, Debian's) and has what the compose schema requires; the systemd unit finds a Node 20+ and runs the compiled code a release ships.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

function sources(dir: string): string {
  return readdirSync(dir).map((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? readFileSync(full, 'utf8') : '';
  }).join('\n');
}

/** The bot scope each Web API method the code calls needs (api.slack.com/methods). */
const METHOD_SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.open': ['im:write'],
  // The staff channel's card and thread are read back (channels:history; groups:history for a private one).
  // A DM is searched for a staff reply posted before (im:history).
  'conversations.history': ['channels:history', 'im:history'],
  'conversations.replies': ['channels:history'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'views.publish': [],
};
/** The bot event (and its scope) each `app.event(name)` listener receives; `message` arrives in DMs. */
const EVENT_SUBSCRIPTIONS: Record<string, { events: string[]; scopes: string[] }> = {
  app_home_opened: { events: ['app_home_opened'], scopes: [] },
  app_mention: { events: ['app_mention'], scopes: ['app_mentions:read'] },
  message: { events: ['message.im'], scopes: ['im:history'] },
};

interface SlackManifest {
  display_information: { name: string; description?: string };
  features: { bot_user?: { display_name: string }; slash_commands?: Array<{ command: string; url?: string; description: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions?: { bot_events: string[]; request_url?: string }; interactivity?: { is_enabled: boolean }; socket_mode_enabled?: boolean };
}

describe('slack/manifest.yaml', () => {
  const manifest = parse(read('slack/manifest.yaml'), { strict: true }) as SlackManifest;
  const code = sources(path.join(ROOT, 'src/channels/slack'));

  it('has the fields Slack requires, within its limits', () => {
    expect(typeof manifest.display_information.name).toBe('string');
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect((manifest.display_information.description ?? '').length).toBeLessThanOrEqual(140);
    expect(manifest.features.bot_user?.display_name.length).toBeLessThanOrEqual(80);
    for (const c of manifest.features.slash_commands ?? []) {
      expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(c.description.length).toBeLessThanOrEqual(2000);
    }
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
  });

  it('asks for every scope the code needs, and declares the slash commands it registers', () => {
    const methods = [...new Set([...code.matchAll(/client\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g)].map((m) => m[1]!))];
    expect(methods.length).toBeGreaterThan(3);
    const events = [...new Set([...code.matchAll(/app\.event\('([a-z_.]+)'/g)].map((m) => m[1]!))];
    expect(events.length).toBeGreaterThan(1);
    const need = new Set(['commands']);
    for (const m of methods) {
      expect(METHOD_SCOPES, `scope of ${m}`).toHaveProperty([m]);
      for (const s of METHOD_SCOPES[m]!) need.add(s);
    }
    for (const e of events) {
      expect(EVENT_SUBSCRIPTIONS, `subscription for ${e}`).toHaveProperty([e]);
      for (const s of EVENT_SUBSCRIPTIONS[e]!.scopes) need.add(s);
      for (const b of EVENT_SUBSCRIPTIONS[e]!.events) expect(manifest.settings.event_subscriptions?.bot_events).toContain(b);
    }
    for (const s of need) expect(manifest.oauth_config.scopes.bot).toContain(s);
    const commands = (manifest.features.slash_commands ?? []).map((c) => c.command);
    const settings = read('src/channels/slack/settings.ts');
    for (const d of [...settings.matchAll(/COMMAND', z\.string\(\)\.default\('([^']+)'\)/g)].map((m) => m[1])) expect(commands).toContain(d);
  });
});

interface Compose {
  services: Record<string, { image?: string; build?: unknown; env_file?: string | string[] }>;
  [key: string]: unknown;
}

describe('deploy/compose.yaml', () => {
  const file = path.join(ROOT, 'deploy/compose.yaml');

  it('has what the compose schema requires, and nothing docker-compose 1.29 refuses', () => {
    const doc = parse(read('deploy/compose.yaml'), { merge: true }) as Compose;
    expect(Object.keys(doc).filter((k) => !k.startsWith('x-')).sort()).toEqual(['services', 'volumes']);
    for (const [name, s] of Object.entries(doc.services)) expect(s.image ?? s.build, name).toBeTruthy();
  });

  // docker-compose is a test peer (bin/test-peers.js installs Debian's).
  it('is accepted by docker-compose config', () => {
    // As an operator has it: the file in deploy/ beside the helpdesk.env they wrote (here empty).
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-'));
    mkdirSync(path.join(dir, 'deploy'));
    copyFileSync(file, path.join(dir, 'deploy/compose.yaml'));
    writeFileSync(path.join(dir, 'deploy/helpdesk.env'), '', { mode: 0o600 });
    const r = spawnSync('docker-compose', ['-f', path.join(dir, 'deploy/compose.yaml'), 'config', '-q'], {
      encoding: 'utf8', cwd: dir, env: { ...process.env, COMPOSE_PROJECT_NAME: '2fa-helpdesk' },
    });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('deploy/2fa-helpdesk.service', () => {
  const unit = read('deploy/2fa-helpdesk.service');
  const lines = (key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const check = /^\/usr\/bin\/env node -e "(.*)"$/.exec(lines('ExecStartPre')[0] ?? '')?.[1] ?? '';
  const run = (version: string) => spawnSync(process.execPath, ['-e', `Object.defineProperty(process, 'version', { value: '${version}' });\n${check}`], { encoding: 'utf8' });

  it('starts on Node 20 or later and refuses Debian 12\'s Node 18, saying why', () => {
    expect(check).toContain('process.exit(1)');
    expect(check).not.toContain('$'); // systemd would expand it
    expect(run('v20.0.0').status).toBe(0);
    expect(run(process.version).status).toBe(0);
    const old = run('v18.19.0');
    expect(old.status).toBe(1);
    expect(old.stderr).toContain('v18.19.0');
  });

  it('runs the compiled command of a release, which prepare never rebuilds (release.test.ts installs one)', () => {
    expect(lines('ExecStart')).toEqual(['/usr/bin/env node /opt/2fa-helpdesk/bin/2fa-helpdesk.js serve']);
    expect(lines('ExecStartPre')).toContain('/usr/bin/test -f /opt/2fa-helpdesk/dist/.built');
    expect(read('bin/build.js')).toContain('.built');
    expect(JSON.parse(read('package.json')).scripts.prepare).toBe('node bin/dist-fresh.js || npm run build');
  });
});

describe('package.json allowScripts', () => {
  it('reviews every dependency with an install script, so npm install prints no notice about them', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts).toContain('better-sqlite3');
    const allowed = (JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
    for (const name of withScripts) expect(typeof allowed[name], name).toBe('boolean');
  });
});
