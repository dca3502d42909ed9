// The web session as an attacker would try it: a cookie planted before the
// proof (session fixation), cookies handed out by GET /support to walk around the limit on new
// conversations, polls held open with them, and a presence row written by every poll.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelContext } from '../../src/app/channel-context.ts';
import { ChatClient, startWebApp, type WebApp } from '../helpers/web.ts';
import { FakeClock } from '../helpers/fakes.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';
import { POLLS_HELD_PER_ADDRESS } from '../../src/channels/web/server.ts';

let smtp: SmtpPeer;
let w: WebApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  w = await startWebApp({ SMTP_URL: smtp.url, TICKET_DIR: `${process.env.TMPDIR ?? '/tmp'}/2fa-session-tickets-${process.pid}` });
});
afterAll(async () => {
  await w.close();
  await smtp.stop();
});

const codeIn = (text: string | undefined) => /\b[A-Z]{4}-[A-Z]{4}\b/.exec(text ?? '')?.[0];
const supportPage = async (base: string, cookie = '') => {
  const res = await fetch(`${base}/support`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, html: await res.text(), setCookie: res.headers.get('set-cookie') ?? '' };
};

describe('session fixation', () => {
  it('a cookie planted before the proof finds neither the proven conversation nor the pre-filled form', async () => {
    // The attacker gets a valid cookie from the support page and plants it in the victim's browser.
    const planted = (await supportPage(w.url)).setCookie.split(';')[0] as string;
    expect(planted).toMatch(/^hd_sid=/);
    const victim = new ChatClient(w.url);
    victim.cookie = planted;
    await victim.say({ type: 'choice', id: 'token_not_active' });
    const before = smtp.messages.length;
    await victim.say({ type: 'text', text: 'bob' });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes('bob@'));
    const proven = await victim.say({ type: 'text', text: codeIn(mail.text) as string });
    expect(proven.text).toMatch(/Shall I tell you here when it is active/);
    // The victim's page got a new cookie with the proof; the planted one is dead.
    expect(victim.cookie).not.toBe(planted);
    const form = await supportPage(w.url, planted);
    expect(form.html).not.toMatch(/value="bob"|bob@example\.org/);
    expect(form.setCookie).toMatch(/^hd_sid=/);
    const attacker = new ChatClient(w.url);
    attacker.cookie = planted;
    expect(await attacker.poll()).toEqual([]);
    const attackerTurn = await attacker.say({ type: 'text', text: 'yes' });
    expect(attackerTurn.text).not.toMatch(/bob|I will tell you here/);
    // The victim goes on where they were, and their own form is filled in.
    expect((await victim.say({ type: 'text', text: 'yes' })).text).toMatch(/I will tell you here as soon as your token is active/);
    expect((await supportPage(w.url, victim.cookie)).html).toMatch(/bob@example\.org/);
  });

  it('a hand-over renews the session too', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'human' });
    await c.say({ type: 'text', text: 'skip' });
    await c.say({ type: 'text', text: 'I cannot log in at all' });
    const old = c.cookie;
    // The answer to how support can reach them files the ticket.
    const handed = await c.say({ type: 'text', text: 'here' });
    expect(handed.text).toMatch(/HD-/);
    expect(c.cookie).not.toBe(old);
    expect((await supportPage(w.url, old)).html).not.toMatch(/I cannot log in at all/);
    expect((await supportPage(w.url, c.cookie)).html).toMatch(/I cannot log in at all/);
  });

  it('the cookie is HttpOnly and SameSite=Lax; with an https PUBLIC_URL it is __Host- and Secure', async () => {
    const plain = (await supportPage(w.url)).setCookie;
    // The attributes, in whatever order the cookie library writes them.
    const attributes = (setCookie: string) => setCookie.split('; ').slice(1).map((a) => a.replace(/^Max-Age=\d+$/, 'Max-Age=N')).sort();
    expect(plain).toMatch(/^hd_sid=[^;]+; /);
    expect(attributes(plain)).toEqual(['HttpOnly', 'Max-Age=N', 'Path=/', 'SameSite=Lax']);
    const https = await startWebApp({ PUBLIC_URL: 'https://helpdesk.example.org' });
    try {
      const secure = (await supportPage(https.url)).setCookie;
      expect(secure).toMatch(/^__Host-hd_sid=[^;]+; /);
      expect(attributes(secure)).toEqual(['HttpOnly', 'Max-Age=N', 'Path=/', 'SameSite=Lax', 'Secure']);
      expect(secure).not.toMatch(/Domain=/i);
      // The cookie without the prefix is not read there (it could have been set by a sibling domain).
      const plainName = plain.split(';')[0] as string;
      expect((await supportPage(https.url, plainName)).setCookie).toMatch(/^__Host-hd_sid=/);
    } finally {
      await https.close();
    }
  });
});

describe('the key the page signs with', () => {
  // The store's secret keys the clock and proof links; the page signs with a key derived for it.
  it('a cookie signed with the store\'s secret is refused, and a channel that signs nothing gets no key', async () => {
    const id = 'Zq81xSessionIdOfTwenty'.slice(0, 22);
    const forged = `hd_sid=${id}.${createHmac('sha256', w.app.secret).update(`session:${id}`).digest('base64url').slice(0, 22)}`;
    const page = await supportPage(w.url, forged);
    expect(page.setCookie).toMatch(/^hd_sid=/);
    expect(page.setCookie).not.toContain(id);
    const genuine = (await supportPage(w.url)).setCookie.split(';')[0] as string;
    expect((await supportPage(w.url, genuine)).setCookie).toBe('');
    const ctx = channelContext(w.app);
    expect(Object.values(ctx)).not.toContain(w.app.secret);
    expect(ctx.signingKey).toBeUndefined();
    expect(Object.values(channelContext(w.app, undefined, 'web'))).not.toContain(w.app.secret);
  });
});

describe('limits that cookies do not walk around', () => {
  it('cookies handed out by the support page count as new conversations', async () => {
    const small = await startWebApp({ NEW_CONVERSATIONS_PER_ADDRESS: '5' });
    try {
      const statuses: number[] = [];
      const cookies: string[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await supportPage(small.url);
        statuses.push(r.status);
        if (r.setCookie) cookies.push(r.setCookie.split(';')[0] as string);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      // A cookie already handed out is a conversation already counted: it goes on.
      const c = new ChatClient(small.url);
      c.cookie = cookies[0] as string;
      expect((await c.say({ type: 'start' })).status).toBe(200);
      expect((await new ChatClient(small.url).say({ type: 'start' })).status).toBe(429);
    } finally {
      await small.close();
    }
  });

  it('only a page with a conversation holds a poll open, and one address only so many', async () => {
    const controllers: AbortController[] = [];
    const poll = (cookie: string) => {
      const ac = new AbortController();
      controllers.push(ac);
      return fetch(`${w.url}/api/chat/poll?wait=25`, { headers: { cookie }, signal: ac.signal }).then(async (r) => (await r.json()) as { replies: unknown[] });
    };
    try {
      // A cookie without a conversation: answered at once, even while nothing else is held.
      const bare = (await supportPage(w.url)).setCookie.split(';')[0] as string;
      expect(await poll(bare)).toEqual({ replies: [] });
      const pages: ChatClient[] = [];
      for (let i = 0; i <= POLLS_HELD_PER_ADDRESS; i++) {
        const c = new ChatClient(w.url);
        await c.say({ type: 'start' });
        pages.push(c);
      }
      let settled = 0;
      const held = pages.slice(0, POLLS_HELD_PER_ADDRESS).map((c) => poll(c.cookie).then(() => settled++, () => undefined));
      // Each of those is held (they wait for up to 25 s); one more from the same address is not:
      // it is answered while all the ones before it still wait.
      await expect.poll(() => w.web.pollsHeld(), { timeout: 20_000 }).toBe(POLLS_HELD_PER_ADDRESS);
      const extra = await poll((pages.at(-1) as ChatClient).cookie);
      expect(extra).toEqual({ replies: [] });
      expect(settled).toBe(0);
      expect(w.web.pollsHeld()).toBe(POLLS_HELD_PER_ADDRESS);
      void held;
    } finally {
      for (const ac of controllers) ac.abort();
    }
  });

  it('a page polling all the time is recorded as present at most once a minute', async () => {
    const clock = new FakeClock(Date.now());
    const app = await startWebApp({}, { clock });
    try {
      const c = new ChatClient(app.url);
      await c.say({ type: 'start' });
      const conversation = `web:${c.cookie.split('=')[1]?.split('.')[0]}`;
      await c.poll();
      const first = await app.app.store.lastSeen(conversation);
      expect(first).toBe(clock.now());
      clock.advance(30_000);
      for (let i = 0; i < 5; i++) await c.poll();
      expect(await app.app.store.lastSeen(conversation)).toBe(first);
      clock.advance(31_000);
      await c.poll();
      expect(await app.app.store.lastSeen(conversation)).toBe(clock.now());
    } finally {
      await app.close();
    }
  });
});
