// The identity proof as an attacker would try it, through the real web server and a real SMTP peer:
// a victim's username typed into the attacker's chat, the mail fetched by a scanner, guessed codes,
// and the answer's timing with a mail relay that never answers.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, startWebApp, type WebApp } from '../helpers/web.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';
import { freePort } from '../peers/ports.ts';

let smtp: SmtpPeer;
let w: WebApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  w = await startWebApp({ SMTP_URL: smtp.url, TICKET_DIR: `${process.env.TMPDIR ?? '/tmp'}/2fa-proof-tickets-${process.pid}` });
});
afterAll(async () => {
  await w.close();
  await smtp.stop();
});

const ACCOUNT_FACTS = /alice|[Tt]oken|registered|The account|is active|pending|verified as/;
const codeIn = (text: string | undefined) => /\b[A-Z]{4}-[A-Z]{4}\b/.exec(text ?? '')?.[0];

describe('identity proof against an attacker', () => {
  it("a victim's name typed by an attacker: opening or scanning the mail proves nothing, and no account fact reaches the attacker", async () => {
    const attacker = new ChatClient(w.url);
    await attacker.say({ type: 'start' });
    await attacker.say({ type: 'choice', id: 'code_rejected' });
    const asked = await attacker.say({ type: 'text', text: 'alice' });
    expect(asked.text).not.toMatch(ACCOUNT_FACTS);

    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('alice@example.org'));
    // The mail says which conversation asked, and what to do if it was not the reader.
    expect(mail.text).toMatch(/on the web support page/);
    expect(mail.text).toMatch(/from the address 127\.0\.0\.1/);
    expect(mail.text).toMatch(/If this was not you, ignore this mail and tell support/);
    // The code is in the body only: a subject shows on lock screens and in notifications.
    expect(mail.subject).toBe('UPPMAX: your confirmation code');
    expect(mail.subject).not.toContain(codeIn(mail.text)?.slice(0, 4));
    // A mail scanner fetches every link in a mail with GET and HEAD: there is nothing it can prove.
    const links = (mail.text ?? '').match(/https?:\/\/\S+/g) ?? [];
    for (const link of links) {
      await fetch(link.replace(/^https?:\/\/[^/]+/, w.url), { method: 'HEAD' }).catch(() => undefined);
      await fetch(link.replace(/^https?:\/\/[^/]+/, w.url)).catch(() => undefined);
    }
    expect((await fetch(`${w.url}/verify/anything`, { method: 'HEAD' })).status).toBe(404);

    // The attacker's chat: nothing arrives by itself, and going on reveals nothing about alice.
    expect(await attacker.poll()).toEqual([]);
    const guessed = await attacker.say({ type: 'text', text: 'BCDF-GHJK' });
    expect(guessed.text).toMatch(/not the code from the mail/);
    const skipped = await attacker.say({ type: 'text', text: 'skip' });
    const everything = [asked.text, guessed.text, skipped.text].join('\n');
    expect(everything).not.toMatch(ACCOUNT_FACTS);
    expect([...asked.replies, ...guessed.replies, ...skipped.replies].some((r) => r.kind === 'finding' && (r.check === 'account' || r.check === 'token'))).toBe(false);

    // The real owner, in a chat of their own, cannot use the attacker's code either: it is bound to the chat that asked.
    const owner = new ChatClient(w.url);
    await owner.say({ type: 'choice', id: 'code_rejected' });
    await owner.say({ type: 'text', text: 'alice' });
    const attackersCode = codeIn(mail.text) as string;
    expect((await owner.say({ type: 'text', text: attackersCode })).text).toMatch(/not the code from the mail/);
  });

  it('five wrong codes burn the code, and a name with no account answers exactly alike', async () => {
    const answers: string[][] = [];
    for (const name of ['dave', 'no-such-person']) {
      const c = new ChatClient(w.url);
      await c.say({ type: 'choice', id: 'code_rejected' });
      const seen = [(await c.say({ type: 'text', text: name })).text];
      for (const guess of ['BCDFGHJK', 'BCDFGHJL', 'BCDFGHJM', 'BCDFGHJN', 'BCDFGHJP', 'BCDFGHJQ']) seen.push((await c.say({ type: 'text', text: guess })).text);
      answers.push(seen);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.slice(1, 5).every((t) => /not the code from the mail/.test(t))).toBe(true);
    expect(answers[0]?.[5]).toMatch(/too many wrong codes/);
  });

  it('a burnt code does not work even when right', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'token_not_active' });
    await c.say({ type: 'text', text: 'erin' });
    const mail = await smtp.waitFor((m) => JSON.stringify(m.to).includes('erin@example.org'));
    const code = codeIn(mail.text) as string;
    for (let i = 0; i < 5; i++) await c.say({ type: 'text', text: 'ZZZZ-ZZZZ' });
    expect((await c.say({ type: 'text', text: code })).text).not.toMatch(/verified/);
  });
});

describe('a flood of new conversations from one address', () => {
  it('is cut off after NEW_CONVERSATIONS_PER_ADDRESS, while a conversation already under way goes on', async () => {
    const small = await startWebApp({ NEW_CONVERSATIONS_PER_ADDRESS: '5' });
    try {
      const first = new ChatClient(small.url);
      expect((await first.say({ type: 'start' })).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await new ChatClient(small.url).say({ type: 'start' })).status).toBe(200);
      const flood = await new ChatClient(small.url).say({ type: 'start' });
      expect(flood.status).toBe(429);
      expect((await first.say({ type: 'text', text: 'my code is not accepted' })).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('identity proof with a mail relay that never answers', () => {
  let relay: Server;
  const sockets: Socket[] = [];
  let hung: WebApp;

  beforeAll(async () => {
    const port = await freePort();
    relay = createServer((s) => sockets.push(s)); // accepts, and never says a word
    await new Promise<void>((r) => relay.listen(port, '127.0.0.1', () => r()));
    hung = await startWebApp({ SMTP_URL: `smtp://127.0.0.1:${port}?tls=off` });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await hung.close();
    await new Promise<void>((r) => relay.close(() => r()));
  });

  it('the turn answers while the mail is still stuck, for a real account and a missing one alike', async () => {
    const real = new ChatClient(hung.url);
    await real.say({ type: 'choice', id: 'code_rejected' });
    const a = await real.say({ type: 'text', text: 'alice' });
    // The answer is here although the relay has not said a word: the mail was not part of the turn.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(sockets.every((s) => !s.destroyed)).toBe(true);

    const missing = new ChatClient(hung.url);
    await missing.say({ type: 'choice', id: 'code_rejected' });
    const b = await missing.say({ type: 'text', text: 'nobody-at-all' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.text).toBe(b.text);
  });
});
