// "Tell me here when my token is active", end to end on the web channel with the demo backend, a
// real SMTP peer and a controlled clock: the notice arrives once, by mail when the page is closed,
// an overdue token opens one ticket, a restart loses nothing and repeats nothing, the import job's
// hook is verified, and "stop" ends a watch.
import { createHmac } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fakes.ts';
import { ChatClient, startWebApp, type WebApp } from '../helpers/web.ts';
import { baseEnv, runCli, tempDataDir } from '../helpers/cli.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';

const HOOK_SECRET = 'hook-secret-0123456789abcdef';
let smtp: SmtpPeer;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

async function boot(dataDir = tempDataDir(), clock = new FakeClock(Date.now()), env: Record<string, string> = {}): Promise<{ w: WebApp; clock: FakeClock; dataDir: string }> {
  const w = await startWebApp({ DATA_DIR: dataDir, SMTP_URL: smtp.url, HOOK_SECRET, TICKET_DIR: path.join(dataDir, 'tickets'), WATCH_INTERVAL_SECONDS: '60', ...env }, { clock, watch: false });
  return { w, clock, dataDir };
}

/** A web conversation proved as `user` (by the mailed code), standing at the watch offer. */
async function watchedConversation(w: WebApp, user: string, topic = 'token_not_active'): Promise<ChatClient> {
  const before = smtp.messages.length;
  const c = new ChatClient(w.url);
  await c.say({ type: 'choice', id: topic });
  await c.say({ type: 'text', text: user });
  const mail = await smtp.waitFor((m, ) => smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes(`${user}@`));
  const code = /\b[A-Z]{4}-[A-Z]{4}\b/.exec(mail.text ?? '')?.[0] as string;
  const proven = await c.say({ type: 'text', text: code });
  expect(proven.text).toMatch(/Shall I tell you here when it is active\?/);
  expect((await c.say({ type: 'text', text: 'yes please' })).text).toMatch(/I will tell you here as soon as your token is active/);
  return c;
}

const texts = (replies: Array<Record<string, unknown>>) => replies.map((r) => String(r.text ?? '')).join('\n');
const tickets = (dir: string) => (existsSync(path.join(dir, 'tickets')) ? readdirSync(path.join(dir, 'tickets')) : []);

describe('token watches', () => {
  it('tells the web page once, on its next poll, when the token becomes active; asking again keeps one watch', async () => {
    const { w, clock } = await boot();
    try {
      const c = await watchedConversation(w, 'bob');
      expect((await c.say({ type: 'text', text: 'yes' })).status).toBe(200);
      expect(await w.app.watches.list({ state: 'open' })).toHaveLength(1);
      await w.app.watcher.tick();
      expect(await c.poll()).toEqual([]);
      w.app.demo?.activate('bob');
      clock.advance(61_000);
      await c.poll(); // the page is open
      await w.app.watcher.tick();
      await w.app.watcher.tick();
      const notices = await c.poll();
      expect(texts(notices)).toMatch(/^Your token is active now\. Log in with the code your app shows at that moment\.$/);
      clock.advance(61_000);
      await w.app.watcher.tick();
      expect(await c.poll()).toEqual([]);
      expect(smtp.messages.some((m) => /token is active/.test(m.subject ?? '') && JSON.stringify(m.to).includes('bob@'))).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('a page closed for a while also gets the notice by e-mail, once', async () => {
    const { w, clock } = await boot();
    try {
      await watchedConversation(w, 'bob');
      w.app.demo?.activate('bob');
      clock.advance(10 * 60_000); // nobody polled for ten minutes
      await w.app.watcher.tick();
      await w.app.watcher.tick();
      const mail = await smtp.waitFor((m) => /your two-factor token is active/.test(m.subject ?? '') && JSON.stringify(m.to).includes('bob@'));
      expect(mail.text).toMatch(/type the code your app shows at that moment/);
      expect(smtp.messages.filter((m) => /your two-factor token is active/.test(m.subject ?? '')).length).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('a token still pending past the limit opens one staff ticket, and the person is told a person has it', async () => {
    // The demo's import job would activate a new token after DEMO_ACTIVATION_MINUTES: here it never does.
    const { w, clock, dataDir } = await boot(undefined, undefined, { DEMO_ACTIVATION_MINUTES: '1440' });
    try {
      // dave registers a token now; the import job never picks it up. The limit is 30 minutes.
      w.app.demo?.registerPending('dave');
      const c = await watchedConversation(w, 'dave');
      await w.app.watcher.tick();
      expect(await c.poll()).toEqual([]);
      clock.advance(31 * 60_000);
      await w.app.watcher.tick();
      const notice = texts(await c.poll());
      expect(notice).toMatch(/handed it to the support team \(reference HD-[A-Z0-9]{6}\)/);
      for (let i = 0; i < 3; i++) {
        clock.advance(61_000);
        await w.app.watcher.tick();
      }
      await w.app.tickets.drain();
      expect(tickets(dataDir)).toHaveLength(1);
      expect(await c.poll()).toEqual([]);
      const list = await runCli(['watches', '--overdue', '--json'], baseEnv({ DATA_DIR: dataDir }));
      expect(JSON.parse(list.stdout.trim())).toMatchObject({ user: 'dave', channel: 'web', overdueTicket: expect.stringMatching(/^HD-/) });
    } finally {
      await w.close();
    }
  });

  it('a notice the page could not be given (the store away a moment) comes on a later try, once', async () => {
    const { w, clock } = await boot();
    try {
      const c = await watchedConversation(w, 'bob');
      w.app.demo?.activate('bob');
      clock.advance(61_000);
      await c.poll();
      // The web channel hands notices to the store's outbox: it fails once, as PostgreSQL does when its backend is cut.
      const push = w.app.store.push.bind(w.app.store);
      let failures = 0;
      w.app.store.push = async (...args) => {
        if (failures++ === 0) throw new Error('connection terminated');
        return push(...args);
      };
      // The notice's turn runs once: the next try delivers the same replies (one line in the transcript).
      const turn = w.app.runner.turn.bind(w.app.runner);
      let noticeTurns = 0;
      w.app.runner.turn = (id, event, options) => {
        if (event.type === 'watch-fired') noticeTurns++;
        return turn(id, event, options);
      };
      await w.app.watcher.tick();
      expect(await c.poll()).toEqual([]);
      expect(await w.app.watches.list({ state: 'open' })).toHaveLength(1);
      clock.advance(11_000);
      await w.app.watcher.tick();
      expect(texts(await c.poll())).toMatch(/^Your token is active now\./);
      expect(noticeTurns).toBe(1);
      clock.advance(61_000);
      await w.app.watcher.tick();
      expect(await c.poll()).toEqual([]);
      expect(await w.app.watches.list({ state: 'notified' })).toHaveLength(1);
    } finally {
      await w.close();
    }
  });

  it('a restart in the middle loses no watch and sends nothing twice', async () => {
    const first = await boot();
    const c = await watchedConversation(first.w, 'bob');
    await first.w.close();
    const second = await boot(first.dataDir, first.clock);
    try {
      expect(await second.w.app.watches.list({ state: 'open' })).toHaveLength(1);
      second.w.app.demo?.activate('bob');
      second.clock.advance(61_000);
      await second.w.app.watcher.tick();
      await second.w.app.watcher.tick();
      const client = Object.assign(new ChatClient(second.w.url), { cookie: c.cookie });
      expect(texts(await client.poll())).toMatch(/Your token is active now/);
      second.clock.advance(61_000);
      await second.w.app.watcher.tick();
      expect(await client.poll()).toEqual([]);
      expect(await second.w.app.watches.list({ state: 'notified' })).toHaveLength(1);
    } finally {
      await second.w.close();
    }
  });

  it('"stop" ends the watch', async () => {
    const { w } = await boot();
    try {
      const c = await watchedConversation(w, 'bob');
      expect((await c.say({ type: 'text', text: 'stop telling me' })).text).toMatch(/stopped watching your token/);
      expect(await w.app.watches.list({ state: 'open' })).toHaveLength(0);
      expect((await c.say({ type: 'text', text: 'stop' })).text).toMatch(/was not watching anything/);
    } finally {
      await w.close();
    }
  });

  it('the import job\'s hook: a valid signature wakes the watch at once; forged, stale and replayed ones are refused', async () => {
    const { w, clock } = await boot();
    try {
      const c = await watchedConversation(w, 'bob');
      const post = (body: string, ts: number, sig?: string) =>
        fetch(`${w.url}/hooks/token-activated`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-timestamp': String(ts), 'x-signature': sig ?? `sha256=${createHmac('sha256', HOOK_SECRET).update(`${ts}.${body}`).digest('hex')}` },
          body,
        });
      const body = JSON.stringify({ user: 'bob', tokenId: 'tok-bob-1' });
      const now = Math.floor(clock.now() / 1000);
      expect((await post(body, now, 'sha256=00')).status).toBe(401);
      expect((await post(body, now, `sha256=${createHmac('sha256', 'wrong-secret-0123456789').update(`${now}.${body}`).digest('hex')}`)).status).toBe(401);
      expect((await post(body, now - 600)).status).toBe(401);
      // The watch was checked a moment ago and is not due for a minute: the hook makes it due now.
      await w.app.watcher.tick();
      w.app.demo?.activate('bob');
      const accepted = await post(body, now);
      expect(accepted.status).toBe(204);
      await w.app.watcher.tick();
      expect(texts(await c.poll())).toMatch(/Your token is active now/);
      expect((await post(body, now)).status).toBe(401); // the same request again is a replay
    } finally {
      await w.close();
    }
    const off = await startWebApp({});
    try {
      expect((await fetch(`${off.url}/hooks/token-activated`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
