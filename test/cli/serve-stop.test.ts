// `serve` as an operator runs it: SIGTERM stops it in every state (a platform unreachable or
// reconnecting, a mail relay that hangs), a platform that is down at start comes up when it does,
// and /healthz says which configured channel is down.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, baseEnv, tempDataDir } from '../helpers/cli.ts';
import { PROBE_TOKEN, probeDetail } from '../helpers/web.ts';
import { APP_ID, startDiscord } from '../peers/discord.ts';
import { freePort } from '../peers/ports.ts';
import { startSlackApi, type SlackApiPeer } from '../peers/slack-api.ts';

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function serve(env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: baseEnv({ PORT: '0', DATA_DIR: tempDataDir(), LOG_LEVEL: 'warn', METRICS_TOKEN: PROBE_TOKEN, ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /serving the support page on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) {
        clearInterval(t);
        resolve(m[1]);
      }
    }, 20);
    void exited.then(() => {
      clearInterval(t);
      reject(new Error(`serve exited before serving: ${stderr}`));
    });
  });
  return { child, url, stderr: () => stderr, exited };
}

/** SIGTERM, then the exit code; a process still running after 15 s fails the test. */
async function terminate(s: Served): Promise<number | null> {
  s.child.kill('SIGTERM');
  const timeout = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000).unref());
  const r = await Promise.race([s.exited, timeout]);
  if (r === 'hung') {
    s.child.kill('SIGKILL');
    throw new Error(`still running 15 s after SIGTERM:\n${s.stderr()}`);
  }
  return r;
}

/** /healthz with its detail (the bearer of METRICS_TOKEN). */
const health = (url: string) => probeDetail<{ ok: boolean; failing?: string[]; degraded?: string[]; channels: Record<string, { state: string; error?: string }> }>(url);

const DISCORD = { DISCORD_TOKEN: 'test-bot-token-0123456789', DISCORD_APPLICATION_ID: APP_ID };

describe('serve stops on SIGTERM in every state', () => {
  it('piped, says the terminal chat is off and why, and serves the page', async () => {
    const s = await serve({});
    await expect.poll(() => s.stderr()).toContain('Terminal chat: off, stdin and stdout are not both a terminal');
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    expect(await terminate(s)).toBe(0);
  });

  it('with Discord unreachable: serves the page, reports Discord down (503 after the grace period), and stops', async () => {
    const dead = await freePort();
    const s = await serve({ ...DISCORD, DISCORD_API_URL: `http://127.0.0.1:${dead}/api`, CHANNEL_GRACE_SECONDS: '1' });
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    await expect.poll(async () => (await health(s.url)).body.channels.discord?.state, { timeout: 20_000 }).toBe('down');
    await expect.poll(async () => (await health(s.url)).status, { timeout: 10_000 }).toBe(503);
    const down = (await health(s.url)).body;
    expect(down.failing).toEqual(['discord']);
    // A platform that cannot be reached never fails liveness, and leaves the replica ready (degraded).
    expect((await fetch(`${s.url}/livez`)).status).toBe(200);
    expect(await probeDetail(s.url, '/readyz')).toMatchObject({ status: 200, body: { ok: true, degraded: ['discord'] } });
    // The public answer is the status alone.
    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ ok: false });
    // The reason stays in the log: the public port says nothing about addresses or errors.
    expect(down.channels.discord?.error).toBeUndefined();
    expect(await terminate(s)).toBe(0);
  });

  it('a Discord that was down at start comes up when it does, and /healthz turns 200', async () => {
    const port = await freePort();
    const s = await serve({ ...DISCORD, DISCORD_API_URL: `http://127.0.0.1:${port}/api`, CHANNEL_GRACE_SECONDS: '1' });
    await expect.poll(async () => (await health(s.url)).body.channels.discord?.state, { timeout: 20_000 }).toBe('down');
    const peer = await startDiscord({ port });
    try {
      await expect.poll(async () => (await health(s.url)).body.channels.discord?.state, { timeout: 40_000, interval: 200 }).toBe('up');
      expect((await health(s.url)).status).toBe(200);
      expect(peer.identifies).toBeGreaterThan(0);
      // Mid-reconnect: the gateway goes away under a live session.
      await peer.close();
      await expect.poll(async () => (await health(s.url)).body.channels.discord?.state, { timeout: 20_000 }).not.toBe('up');
      expect(await terminate(s)).toBe(0);
    } finally {
      await peer.close().catch(() => undefined);
    }
  }, 90_000);

  it('with Slack Socket Mode unreachable', async () => {
    const dead = await freePort();
    const s = await serve({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: `http://127.0.0.1:${dead}/api/` });
    await expect.poll(async () => (await health(s.url)).body.channels.slack?.state, { timeout: 20_000 }).toBe('down');
    expect(await terminate(s)).toBe(0);
  });

  it('with a mail relay that accepts and never answers, while a ticket and a proof mail are on their way', async () => {
    const sockets: Socket[] = [];
    const relay = createServer((sock) => sockets.push(sock));
    const port = await freePort();
    await new Promise<void>((r) => relay.listen(port, '127.0.0.1', () => r()));
    try {
      const s = await serve({ SMTP_URL: `smtp://127.0.0.1:${port}?tls=off` });
      const chat = async (cookie: string, event: unknown) => {
        const res = await fetch(`${s.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ event }) });
        return res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      };
      let cookie = await chat('', { type: 'choice', id: 'human' });
      cookie = await chat(cookie, { type: 'text', text: 'alice' });
      await chat(cookie, { type: 'text', text: 'skip' });
      await chat(cookie, { type: 'text', text: 'Nothing works' });
      await chat(cookie, { type: 'text', text: 'here in this chat' });
      await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await terminate(s)).toBe(0);
    } finally {
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => relay.close(() => r()));
    }
  });
});

describe('serve with Slack over HTTP', () => {
  let api: SlackApiPeer;
  beforeAll(async () => {
    api = await startSlackApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('reports Slack up once auth.test answers', async () => {
    const s = await serve({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'signing-secret-0123', SLACK_API_URL: api.apiUrl });
    await expect.poll(async () => (await health(s.url)).body.channels.slack?.state, { timeout: 20_000 }).toBe('up');
    expect((await health(s.url)).status).toBe(200);
    expect(await terminate(s)).toBe(0);
  });
});
