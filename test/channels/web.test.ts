// The web channel over real HTTP: the chat API, identity proof by e-mail through a real SMTP
// server, the support form and ticket delivery, and hostile input of every kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, probeDetail, startWebApp, type WebApp } from '../helpers/web.ts';
import { startSmtpServer, type SmtpPeer } from '../peers/smtp-server.ts';
import { startDnsServer, standardZone, type DnsPeer } from '../peers/dns-server.ts';
import { startHttpServer, json, type HttpPeer } from '../peers/http-server.ts';
import { startMetricsServer } from '../../src/adapters/metrics-server.ts';
import { channelContext, NO_PEERS } from '../../src/app/channel-context.ts';
import { webChannel } from '../../src/channels/web/index.ts';
import { webSettings } from '../../src/channels/web/settings.ts';
import { sqlOf } from '../helpers/store.ts';

let smtp: SmtpPeer;
let dns: DnsPeer;
let hook: HttpPeer;
const hooked: unknown[] = [];
let w: WebApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  dns = await startDnsServer(standardZone());
  hook = await startHttpServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    hooked.push(JSON.parse(body));
    json(res, 200, { ok: true });
  });
  w = await startWebApp({ SMTP_URL: smtp.url, TICKET_EMAIL_TO: 'helpdesk@example.org', TICKET_WEBHOOK_URL: hook.url, DNS_SERVERS: dns.spec, TRUSTED_PROXIES: '127.0.0.1' });
});
afterAll(async () => {
  await w.close();
  await smtp.stop();
  await dns.close();
  await hook.close();
});

function proofCode(to: string): Promise<string> {
  return smtp.waitFor((m) => m.to !== undefined && JSON.stringify(m.to).includes(to)).then((m) => {
    const code = /\b[A-Z]{4}-[A-Z]{4}\b/.exec(m.text ?? '')?.[0];
    if (!code) throw new Error(`no code in ${m.text}`);
    return code;
  });
}

describe('web chat API', () => {
  it('asks for proof before any account facts, then continues once the mailed code is typed', async () => {
    const c = new ChatClient(w.url);
    expect((await c.say({ type: 'start' })).text).toMatch(/UPPMAX two-factor helpdesk/);
    await c.say({ type: 'choice', id: 'code_rejected' });
    const asked = await c.say({ type: 'text', text: 'bob' });
    expect(asked.text).toMatch(/If an account exists for that name, a mail with a confirmation code/);
    expect(asked.text).not.toMatch(/bob/);
    const code = await proofCode('bob@example.org');
    const proven = await c.say({ type: 'text', text: code.toLowerCase().replace('-', ' ') });
    expect(proven.text).toMatch(/verified as bob[\s\S]*registered 5 minutes ago/);
    // The code works once.
    const c2 = new ChatClient(w.url);
    await c2.say({ type: 'choice', id: 'code_rejected' });
    expect((await c2.say({ type: 'text', text: code })).text).not.toMatch(/verified/);
  });

  it('answers exactly the same for a name with no account, and sends nothing', async () => {
    const before = smtp.messages.length;
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'token_not_active' });
    const known = await c.say({ type: 'text', text: 'nobody-here' });
    const c2 = new ChatClient(w.url);
    await c2.say({ type: 'choice', id: 'token_not_active' });
    const other = await c2.say({ type: 'text', text: 'carol' });
    expect(known.text).toBe(other.text);
    await proofCode('carol@example.org');
    await w.app.identity.idle();
    expect(smtp.messages.slice(before).every((m) => !JSON.stringify(m.to).includes('nobody'))).toBe(true);
  });

  it('rate-limits a flood of identity-proof requests', async () => {
    const before = smtp.messages.filter((m) => JSON.stringify(m.to).includes('dave@')).length;
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'code_rejected' });
    for (let i = 0; i < 12; i++) {
      const r = await c.say({ type: 'text', text: 'dave' });
      expect(r.status).toBe(200);
    }
    await w.app.identity.idle();
    const sent = smtp.messages.filter((m) => JSON.stringify(m.to).includes('dave@')).length - before;
    expect(sent).toBeLessThanOrEqual(3);
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(await w.app.metrics.value('helpdesk_identity_proofs_total', { outcome: 'rate-limited' })).toBeGreaterThan(0);
  });

  it('skipping the proof still runs the generic checks', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'code_rejected' });
    await c.say({ type: 'text', text: 'alice' });
    const r = await c.say({ type: 'text', text: 'skip' });
    expect(r.text).toMatch(/What time does your phone show/);
    expect(r.replies.some((x) => x.kind === 'clock' && /\/c\//.test(String(x.url)) && String(x.qr).startsWith('data:image/png;base64,'))).toBe(true);
  });

  it('says the network check looked at the browser\'s own address, and how to check the computer one logs in from', async () => {
    const c = new ChatClient(w.url);
    const res = await c.post('/api/chat', { event: { type: 'choice', id: 'need_two_factor' }, lang: 'en' }, { 'x-forwarded-for': '192.0.2.20' });
    const text = ((await res.json()) as { replies: Array<{ text?: string }> }).replies.map((r) => r.text ?? '').join('\n');
    expect(text).toMatch(/192\.0\.2\.20[\s\S]*That was the address of this browser\. To check the computer you log in from, open http:\/\/localhost:\d+\/ip on it/);
  });

  it('a phone measuring the clock from another address never becomes the person\'s address in the ticket', async () => {
    const c = new ChatClient(w.url);
    const from = { 'x-forwarded-for': '192.0.2.10' };
    const turn = async (event: unknown) => ((await (await c.post('/api/chat', { event, lang: 'en' }, from)).json()) as { replies: Array<Record<string, unknown>> }).replies;
    await turn({ type: 'choice', id: 'code_rejected' });
    const asked = await turn({ type: 'text', text: 'skip' });
    const link = String(asked.find((r) => r.kind === 'clock')?.url ?? '');
    const token = /\/c\/([^/]+)$/.exec(link)?.[1] as string;
    const phone = await fetch(`${w.url}/api/clock/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
      body: JSON.stringify({ offsetMs: 1200, errorMs: 40 }),
    });
    expect(phone.status).toBe(200);
    await turn({ type: 'text', text: 'talk to a person' });
    await turn({ type: 'text', text: 'skip' });
    const done = await turn({ type: 'text', text: 'The clock was measured from my phone' });
    const reference = /HD-[A-Z0-9]{6}/.exec(done.map((r) => String(r.text ?? '')).join(' '))?.[0] as string;
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(reference));
    expect(mail.text).toContain('Address: 192.0.2.10');
    expect(mail.text).not.toContain('198.51.100.7');
  });

  it('knows the address the request came from: the network flow needs no typing', async () => {
    const c = new ChatClient(w.url);
    const r = await c.say({ type: 'choice', id: 'need_two_factor' });
    expect(r.replies.find((x) => x.kind === 'finding')).toMatchObject({ code: 'network.private' });
  });

  it('never echoes hostile text, and refuses oversized, malformed or cross-site requests', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'start' });
    const hostile = await c.say({ type: 'text', text: '<img src=x onerror=alert(1)> @channel <!everyone>' });
    expect(hostile.status).toBe(200);
    expect(JSON.stringify(hostile.replies)).not.toMatch(/onerror|@channel|everyone/);
    const big = await c.post('/api/chat', { event: { type: 'text', text: 'x'.repeat(40_000) } });
    expect(big.status).toBe(413);
    const bad = await fetch(`${w.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: c.cookie }, body: '{"event":' });
    expect(bad.status).toBe(400);
    const shape = await c.post('/api/chat', { event: { type: 'delete-everything' } });
    expect(shape.status).toBe(400);
    const form = await fetch(`${w.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'event=1' });
    expect(form.status).toBe(415);
    const cross = await c.post('/api/chat', { event: { type: 'start' } }, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
  });

  it('rejects forged, unknown and expired links', async () => {
    const forged = await fetch(`${w.url}/verify/AAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBB`);
    expect(forged.status).toBe(404);
    const garbage = await fetch(`${w.url}/c/%3Cscript%3E`);
    expect(garbage.status).toBe(404);
    expect(await garbage.text()).not.toContain('<script>');
    const expired = await w.app.links.create({ kind: 'clock', conversationId: 'web:x', expiresAt: Date.now() - 1 });
    expect((await fetch(`${w.url}/c/${expired}`)).status).toBe(404);
    const clockPost = await fetch(`${w.url}/api/clock/${expired}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: 1, errorMs: 1 }) });
    expect(clockPost.status).toBe(404);
  });

  it('honours X-Forwarded-For only from a trusted proxy, and only its last untrusted hop', async () => {
    // The test client is 127.0.0.1, configured as trusted: the hop it reports counts.
    const trusted = await (await fetch(`${w.url}/ip`, { headers: { 'x-forwarded-for': '198.51.100.7, 192.0.2.10' } })).text();
    expect(trusted).toMatch(/address: 192\.0\.2\.10[\s\S]*two-factor required: no/);
    const garbage = await (await fetch(`${w.url}/ip`, { headers: { 'x-forwarded-for': 'not-an-ip' } })).text();
    expect(garbage).toMatch(/address: 127\.0\.0\.1/);
    const untrusted = await startWebApp({ DNS_SERVERS: dns.spec });
    try {
      const spoofed = await (await fetch(`${untrusted.url}/ip`, { headers: { 'x-forwarded-for': '192.0.2.10' } })).text();
      expect(spoofed).toMatch(/address: 127\.0\.0\.1[\s\S]*two-factor required: yes/);
    } finally {
      await untrusted.close();
    }
  });

  it('a trusted IPv6 network trusts no IPv4 peer (node matches IPv4 against IPv6 rules as ::ffff:)', async () => {
    const v6only = await startWebApp({ DNS_SERVERS: dns.spec, TRUSTED_PROXIES: '::/64' });
    try {
      // 2001:db8::10 is outside ::/64 and exempt in the zone: believed, it would waive two-factor.
      const spoofed = await (await fetch(`${v6only.url}/ip`, { headers: { 'x-forwarded-for': '2001:db8::10' } })).text();
      expect(spoofed).toMatch(/address: 127\.0\.0\.1[\s\S]*two-factor required: yes/);
    } finally {
      await v6only.close();
    }
  });

  it('/ip prints a plain-text verdict for curl users', async () => {
    const res = await fetch(`${w.url}/ip`, { headers: { 'x-forwarded-for': '192.0.2.40' } });
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^address: 192\.0\.2\.40\nnames: liar\.example\.se\nconfirmed name: \(none\)\ntwo-factor required: yes\nwhy: .+\nverdict: .+\[network\.mismatch\]\n$/);
  });

  it('the web channel stopped and started again listens again', async () => {
    const channel = await webChannel.create(channelContext(w.app, NO_PEERS, webChannel.name), webSettings.parse(w.app.config));
    const urlOf = () => /on (http:\/\/\S+)/.exec(channel.banner?.[0] ?? '')?.[1] as string;
    try {
      await channel.start();
      const first = urlOf();
      expect((await fetch(`${first}/healthz`)).status).toBe(200);
      await channel.stop();
      expect(channel.status().state).not.toBe('up');
      await channel.start();
      expect(channel.status().state).toBe('up');
      const again = urlOf();
      expect((await fetch(`${again}/healthz`)).status).toBe(200);
    } finally {
      await channel.stop();
    }
  });

  it('a replica that has lost its store says so in /healthz (503), so a load balancer skips it', async () => {
    const lost = await startWebApp({ DNS_SERVERS: dns.spec });
    expect((await fetch(`${lost.url}/healthz`)).status).toBe(200);
    await lost.app.store.close();
    const res = await probeDetail(lost.url);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ ok: false, failing: ['store'], ticketsWaiting: null });
    // The public answer is the status alone.
    expect(await (await fetch(`${lost.url}/healthz`)).json()).toEqual({ ok: false });
    await lost.close();
  });

  it('serves health on the public port, and metrics only on their own listener with the token', async () => {
    expect(await (await fetch(`${w.url}/healthz`)).json()).toMatchObject({ ok: true });
    expect((await fetch(`${w.url}/metrics`)).status).toBe(404);
    const m = await startMetricsServer({ host: '127.0.0.1', port: 0, token: 'metrics-token-0123456789', render: () => w.app.metrics.render() });
    expect((await fetch(`${m.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${m.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const metrics = await (await fetch(`${m.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    await m.close();
    expect(metrics).toMatch(/^helpdesk_conversations_started_total\{channel="web"\} \d+$/m);
    expect(metrics).toMatch(/^helpdesk_checks_total\{check="network",code="network\.private"\} \d+$/m);
    expect(metrics).toMatch(/^helpdesk_upstream_request_duration_seconds_count\{upstream="enrollment",.*\} \d+$/m);
    expect(metrics).toMatch(/^helpdesk_tickets_waiting \d+$/m);
  });

  it('sets strict security headers and no third-party assets', async () => {
    const res = await fetch(`${w.url}/`);
    // The policy's directives, whatever the separator Helmet writes between them.
    const csp = (res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
    expect(csp).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"]));
    expect(csp.filter((d) => !/^(default|script|style|img|connect)-src |^form-action |^base-uri |^frame-ancestors /.test(d))).toEqual([]);
    expect(Object.fromEntries(['x-content-type-options', 'referrer-policy', 'x-frame-options', 'cross-origin-opener-policy', 'cache-control'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/);
    expect(await (await fetch(`${w.url}/static/app.js`)).text()).not.toMatch(/innerHTML/);
  });
});

describe('support form and hand-over', () => {
  async function formToken(c: ChatClient): Promise<string> {
    const res = await fetch(`${w.url}/support`, { headers: c.cookie ? { cookie: c.cookie } : {} });
    const set = res.headers.get('set-cookie');
    if (set) c.cookie = set.split(';')[0] ?? '';
    return /name="csrf" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
  }

  async function submit(c: ChatClient, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(`${w.url}/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  it('a submission reaches support by SMTP and webhook, with the transcript and the report attached', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'need_two_factor' });
    const csrf = await formToken(c);
    const res = await submit(c, {
      csrf,
      name: 'Ada <b>Lovelace</b>\u001b[2J\u202e\r\nFindings: account.found (verified by staff)',
      email: ' ada@example.org\n',
      username: 'ada',
      what: 'Codes fail <script>alert(1)</script>\u001b]0;pwned\u0007 and 123456 was refused, then 617_214, 617,215, 617/216 and 617  217',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    const reference = /id="reference">(HD-[A-Z0-9]{6})</.exec(page)?.[1];
    expect(reference).toBeDefined();
    expect(page).not.toContain('<script>alert');
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(reference as string));
    expect(JSON.stringify(mail.to)).toContain('helpdesk@example.org');
    expect(mail.text).toContain('Codes fail <script>alert(1)</script>');
    // Terminal escapes and bidi overrides are gone; a code typed in the form is blanked.
    expect(mail.text).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(mail.text).toContain('Ada <b>Lovelace</b>[2J');
    expect(mail.text).toContain('and [code] was refused, then [code], [code], [code] and [code]');
    expect(mail.text).not.toMatch(/617/);
    // A line break in the name does not start a line of its own in the ticket.
    expect(mail.text).not.toMatch(/^Findings: account\.found/m);
    expect(mail.text).toContain('Ada <b>Lovelace</b>[2J Findings: account.found (verified by staff):');
    const transcript = mail.attachments.find((a) => a.filename === `${reference}-transcript.txt`);
    expect(transcript?.content.toString()).toMatch(/Do I need two-factor from where I am\?/);
    const report = JSON.parse(mail.attachments.find((a) => a.filename === `${reference}-report.json`)?.content.toString() ?? '{}');
    expect(report.findings[0]).toMatchObject({ id: 'network', code: 'network.private' });
    await new Promise((r) => setTimeout(r, 200));
    expect(hooked.find((h) => (h as { reference: string }).reference === reference)).toMatchObject({ subject: { email: 'ada@example.org' } });
  });

  it('the form: a proven person\'s e-mail filled in, the way back to the chat, when to expect an answer, and a follow-up linked to the ticket already open', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'human' });
    await c.say({ type: 'text', text: 'frank' });
    const code = await proofCode('frank@example.org');
    expect((await c.say({ type: 'text', text: code })).text).toMatch(/verified as frank/);
    const handed = await c.say({ type: 'text', text: 'Nothing works' });
    const first = /HD-[A-Z0-9]{6}/.exec(handed.text)?.[0] as string;
    expect(first).toBeDefined();
    // A proved address, and a sink whose replies reach it: the answer comes by e-mail, and nothing was asked about it.
    expect(handed.text).toContain('They answer by e-mail to your confirmed address');
    const page = await (await fetch(`${w.url}/support`, { headers: { cookie: c.cookie } })).text();
    expect(page).toMatch(/id="email"[^>]*value="frank@example\.org"/);
    expect(page).toMatch(/id="username"[^>]*value="frank"/);
    expect(page).toMatch(/href="\/\?lang=en"[^>]*>← Back to the chat/);
    expect(page).toContain('Support usually answers within 1 working day.');
    expect(page).toContain(`You already have a ticket, ${first}. What you send here is added to it`);
    expect(page).not.toMatch(/\b0 findings/);
    const sv = await (await fetch(`${w.url}/support?lang=sv`, { headers: { cookie: c.cookie } })).text();
    expect(sv).toContain('Supporten svarar oftast inom 1 arbetsdag.');
    const res = await submit(c, { csrf: await formToken(c), name: 'Frank', email: 'frank@example.org', username: 'frank', what: 'Still nothing' });
    const second = /id="reference">(HD-[A-Z0-9]{6})</.exec(await res.text())?.[1] as string;
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(second));
    expect(mail.text).toContain(`Follow-up to: ${first}`);
    expect(mail.inReplyTo).toBe(`<${first}@2fa-helpdesk>`);
  });

  it('a person who only typed a name gets nothing filled in that they have not proved', async () => {
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'code_rejected' });
    await c.say({ type: 'text', text: 'erin' });
    const page = await (await fetch(`${w.url}/support`, { headers: { cookie: c.cookie } })).text();
    expect(page).toMatch(/id="email"[^>]*value=""/);
    expect(page).toMatch(/id="username"[^>]*value=""/);
  });

  it('refuses a form without its token, and escapes what it shows back', async () => {
    const c = new ChatClient(w.url);
    await formToken(c);
    const res = await submit(c, { csrf: 'forged', name: '<script>x</script>', email: 'a@example.org', what: 'x' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('&#60;script&#62;x&#60;/script&#62;');
    expect(html).not.toContain('<script>x');
    const invalid = await submit(c, { csrf: await formToken(c), name: '', email: 'not-an-email', what: '' });
    expect(invalid.status).toBe(400);
    const huge = await submit(c, { csrf: await formToken(c), name: 'x', email: 'a@example.org', what: 'y'.repeat(30_000) });
    expect(huge.status).toBe(413);
  });

  it('a ticket filed while the SMTP server is down arrives once, after it comes back', async () => {
    await smtp.stop();
    const c = new ChatClient(w.url);
    await c.say({ type: 'choice', id: 'human' });
    await c.say({ type: 'text', text: 'skip' });
    await c.say({ type: 'text', text: 'Mail relay test' });
    const r = await c.say({ type: 'text', text: 'here' });
    const reference = /HD-[A-Z0-9]{6}/.exec(r.text)?.[0] as string;
    expect(reference).toBeDefined();
    await w.app.tickets.drain();
    expect((await w.app.tickets.get(reference))?.deliveredAt).toBeNull();
    await smtp.start();
    // Retries back off; ask for the next pass now rather than waiting for the timer.
    await sqlOf(w.app).run('UPDATE tickets SET next_attempt_at = 0 WHERE reference = $1', [reference]);
    await w.app.tickets.drain();
    await w.app.tickets.drain();
    await smtp.waitFor((m) => (m.subject ?? '').includes(reference));
    expect(smtp.messages.filter((m) => (m.subject ?? '').includes(reference))).toHaveLength(1);
    expect((await w.app.tickets.get(reference))?.deliveredAt).not.toBeNull();
    expect(hooked.filter((h) => (h as { reference: string }).reference === reference)).toHaveLength(1);
  });
});
