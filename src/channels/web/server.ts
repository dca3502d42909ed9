// The web channel: the support page's chat, the phone clock check, the network check for `curl`,
// the identity-proof landing, the support form, health and metrics. One process, one port.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { WebContext as ChannelContext } from './web-context.ts';
import type { ChannelRoute } from '../contract.ts';
import type { Reply } from '../../engine/replies.ts';
import { findingResults } from '../../engine/transcript.ts';
import { isProven, type EngineEvent } from '../../engine/transition.ts';
import { isLang, type Lang, catalogues, render } from '../../i18n/index.ts';
import { errorCode, HelpdeskError } from '../../errors.ts';
import { clientAddress } from './client-ip.ts';
import { redactCodes, stripControl } from '../../engine/input.ts';
import { clockLinkUrl } from '../shared/clock-link.ts';
import { escapeHtml as escape, HttpError, MAX_BODY_BYTES, readBody, readJson, send, sendJson, sendText } from './http.ts';
import { Sessions, type WebSession } from './session.ts';
import { sessionEpoch } from '../../engine/session-epoch.ts';
import type { Snapshot } from '../../engine/snapshot.ts';
import { privacyPage } from './privacy-page.ts';
import { unhealthy, type Connection, type ConnectionStatus } from '../shared/connection.ts';
import { badLinkPage, responseTime as responseTimeWords, supportPage, thanksPage } from './pages.ts';

const STATIC = path.join(import.meta.dirname, 'static');
const read = (f: string) => readFileSync(path.join(STATIC, f), 'utf8');

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
  /** Polls held open right now on this process. */
  pollsHeld(): number;
}

/** What the browser gets: the engine's replies, with QR codes drawn and clock links added. */
/** `local`: the link points at this computer only (PUBLIC_URL is loopback), so no phone can open it. */
export type WebReply = Reply | { kind: 'clock'; url: string; qr: string; local: boolean } | { kind: 'image'; format: 'qr'; data: string; alt: string; url: string; qr: string };

const ChatBody = z.object({
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('start') }),
    z.object({ type: z.literal('resume') }),
    z.object({ type: z.literal('repeat') }),
    z.object({ type: z.literal('text'), text: z.string().max(20_000) }),
    z.object({ type: z.literal('choice'), id: z.string().max(64) }),
  ]),
  lang: z.enum(['en', 'sv']).optional(),
});

const ClockBody = z.object({
  offsetMs: z.number().finite().min(-10 * 365 * 86400_000).max(10 * 365 * 86400_000),
  errorMs: z.number().finite().min(0).max(60_000),
  samples: z.number().int().min(1).max(50).optional(),
  lang: z.enum(['en', 'sv']).optional(),
});

// Terminal escapes and bidi overrides never reach a ticket mail or file; codes are blanked out.
const formText = (max: number) => z.string().transform((v) => stripControl(v).trim()).pipe(z.string().min(1).max(max));
const SupportBody = z.object({
  csrf: z.string().max(100),
  name: formText(200),
  email: z.email().max(254),
  username: z.string().trim().max(64).regex(/^[A-Za-z0-9._@-]*$/),
  what: formText(4000).transform(redactCodes),
});

const HookBody = z.object({ user: z.string().min(1).max(190), tokenId: z.string().max(200).optional() });

/** The longest a page's poll is held open waiting for a reply that arrives out of band. */
const POLL_WAIT_MAX_S = 25;
/** Polls held open at once by this process; beyond that they answer at once (the page asks again). */
const POLLS_HELD_MAX = 5000;
/** Polls one client address may hold open at once on this process (a campus behind one NAT has several pages). */
export const POLLS_HELD_PER_ADDRESS = 50;
/** A page's presence is written at most this often (each poll would otherwise write a row). */
const PRESENCE_EVERY_MS = 60_000;

export interface WebServerOptions {
  /** Other channels' endpoints (Slack's Events API), served on the same port, matched before anything is parsed. */
  routes?: ChannelRoute[];
  /** The state of the other channels of this replica, by name, for /healthz (asked on each request). */
  statuses?: () => Record<string, ConnectionStatus>;
}

/** What is read and dropped of a refused body before the connection closes, at most. */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

/**
 * Reads and drops what is left of a refused body (up to a cap), so the client reads the 413 instead
 * of a connection reset while it is still sending; the connection closes after it.
 */
function drainThenClose(req: IncomingMessage): void {
  let drained = 0;
  const stop = () => {
    clearTimeout(timer);
    req.destroy();
  };
  const timer = setTimeout(stop, DRAIN_MAX_MS).unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) stop();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('error', stop);
  req.resume();
}

/** The channel route for a request: method and exact path, the query string aside. */
function routeFor(routes: ChannelRoute[], req: IncomingMessage): ChannelRoute | undefined {
  const q = req.url?.indexOf('?') ?? -1;
  const path = q < 0 ? req.url : req.url?.slice(0, q);
  return routes.find((r) => r.path === path && r.method === req.method);
}

export async function startWebServer(app: ChannelContext, options: WebServerOptions = {}): Promise<WebServer> {
  const cfg = app.config;
  const started = Date.now();
  const sessions = new Sessions(app.secret, cfg.PUBLIC_URL.startsWith('https:'));
  // Shared by every replica (Redis or PostgreSQL) when there are several.
  const turnsPerSession = app.limits.limiter('web-turns', 60, 60_000);
  const formsPerAddress = app.limits.limiter('web-forms', 5, 10 * 60_000);
  const newConversationsPerAddress = app.limits.limiter('web-new-conversations', cfg.NEW_CONVERSATIONS_PER_ADDRESS, 10 * 60_000);
  const clockPostsPerAddress = app.limits.limiter('web-clock-posts', 30, 10 * 60_000);
  const assets: Record<string, { type: string; body: string }> = {
    '/static/app.js': { type: 'text/javascript; charset=utf-8', body: read('app.js') },
    '/static/clock.js': { type: 'text/javascript; charset=utf-8', body: read('clock.js') },
    '/static/app.css': { type: 'text/css; charset=utf-8', body: read('app.css') },
  };
  // The page's words travel as JSON in the page; `<` is escaped so no text can close the block.
  const pageWords = JSON.stringify({ en: catalogues.en.page, sv: catalogues.sv.page }).replace(/</g, '\\u003c');
  const indexHtml = read('index.html').replaceAll('{{centre}}', escape(cfg.CENTRE_NAME)).replace('{{words}}', () => pageWords);
  const clockHtml = read('clock.html');

  const conversationOf = (sessionId: string) => `web:${sessionId}`;

  /**
   * The request's session and its conversation. A cookie from before the conversation's last proof
   * or hand-over (a planted one) finds nothing: `stale`. A new session is a new conversation, so it
   * counts against the address's limit on new conversations, whichever request hands it out.
   */
  async function sessionOf(req: IncomingMessage, ip: string): Promise<{ session: WebSession; snapshot?: Snapshot; stale?: true }> {
    let session = sessions.get(req);
    let stale: true | undefined;
    if (!session.setCookie) {
      const snapshot = await app.runner.peek(conversationOf(session.id));
      if (!snapshot || sessionEpoch(snapshot) === session.epoch) return { session, ...(snapshot ? { snapshot } : {}) };
      session = sessions.fresh();
      stale = true;
    }
    if (!(await newConversationsPerAddress.allow(ip))) throw new HttpError(429, 'too many new conversations from this address; try again in a few minutes');
    return { session, ...(stale ? { stale } : {}) };
  }
  const ownOrigin = new URL(cfg.PUBLIC_URL).origin;
  const publicHost = new URL(cfg.PUBLIC_URL).hostname.replace(/^\[|\]$/g, '');
  const loopbackUrl = publicHost === 'localhost' || publicHost.endsWith('.localhost') || /^127\./.test(publicHost) || publicHost === '::1';
  const responseTime = (lang: Lang) => responseTimeWords(cfg.SUPPORT_RESPONSE_TIME, lang);

  function sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return true; // same-origin GETs and non-browser clients send none; JSON content type blocks simple cross-site posts
    const host = req.headers.host;
    return origin === ownOrigin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
  }

  async function toWeb(conversationId: string, replies: Reply[], lang: Lang = 'en'): Promise<WebReply[]> {
    const out: WebReply[] = [];
    for (const r of replies) {
      if (r.kind === 'finding' && r.check === 'network' && r.code !== 'network.private') {
        // The web page checks the browser's own address: say so, and how to check another computer.
        out.push(r, { kind: 'text', text: render(catalogues[lang].web.network_note, { ...app.words }) });
        continue;
      }
      if (r.kind === 'image') {
        out.push({ ...r, url: r.data, qr: await QRCode.toDataURL(r.data, { margin: 1, width: 200 }) });
        continue;
      }
      out.push(r);
      if (r.kind === 'prompt' && r.input === 'device_time') {
        const url = await clockLinkUrl({ links: app.links, clock: app.clock, site: { publicUrl: cfg.PUBLIC_URL, clockLinkMinutes: cfg.CLOCK_LINK_MINUTES } }, conversationId);
        out.push({ kind: 'clock', url, qr: await QRCode.toDataURL(url, { margin: 1, width: 200 }), local: loopbackUrl });
      }
    }
    return out;
  }

  // When each conversation's page last polled: a page that stopped polling a while ago is closed.
  // Written at most once a minute per page, so polls do not each write a row.
  const lastTouched = new Map<string, number>();
  const seen = async (id: string) => {
    const now = app.clock.now();
    const last = lastTouched.get(id);
    if (last !== undefined && now - last < PRESENCE_EVERY_MS && now >= last) return;
    if (lastTouched.size >= 100_000) lastTouched.clear();
    lastTouched.set(id, now);
    await app.outbox.touch(id, now);
  };
  const heldByAddress = new Map<string, number>();
  // Replies from elsewhere (a phone, a watch) wait in the store's outbox, whichever replica made them;
  // a push wakes the page's poll on whichever replica holds it.
  app.outOfBand.register('web:', async (conversationId, replies) => app.outbox.push(conversationId, await toWeb(conversationId, replies), app.clock.now()), true);
  const waiters = new Map<string, Set<(superseded?: boolean) => void>>();
  let held = 0;
  let closing = false;
  const unsubscribe = app.outbox.onPush((conversationId) => {
    for (const wake of waiters.get(conversationId) ?? []) wake();
  });

  /** What waits for this page, or, with `waitS`, what arrives within that many seconds. */
  async function collect(id: string, waitS: number, res: ServerResponse): Promise<unknown[]> {
    const deadline = Date.now() + waitS * 1000;
    let superseded = false;
    for (;;) {
      if (res.destroyed) return [];
      const items = await app.outbox.take(id);
      if (items.length) {
        // The page went away while they were taken: they wait for its next poll.
        if (res.destroyed) await app.outbox.push(id, items, app.clock.now());
        return items;
      }
      const left = deadline - Date.now();
      if (left <= 0 || closing || superseded) return [];
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        // One poll held per conversation: a newer one (another tab, a retry) releases the older.
        for (const older of set) older(true);
        waiters.set(id, set);
        held++;
        // Looked at again every few seconds too, in case a notification was missed.
        const timer = setTimeout(done, Math.min(left, 5000));
        res.once('close', done);
        set.add(done);
        function done(replaced?: boolean) {
          if (!set.has(done)) return;
          if (replaced === true) superseded = true;
          held--;
          clearTimeout(timer);
          res.off('close', done);
          set.delete(done);
          if (!set.size && waiters.get(id) === set) waiters.delete(id);
          resolve();
        }
      });
    }
  }

  /** A turn that did not come from the chat page itself (a phone): its replies wait for the page. */
  async function outOfBand(conversationId: string, event: EngineEvent, ip: string): Promise<Reply[]> {
    // The phone's address is not the person's login address: only the chat's own turns set the subject.
    const r = await app.runner.turn(conversationId, event, { channel: 'link', requireProof: true, origin: ip });
    await app.outOfBand.deliver(conversationId, r.replies);
    return r.replies;
  }

  async function chat(req: IncomingMessage, res: ServerResponse, ip: string) {
    if (!sameOrigin(req)) throw new HttpError(403, 'cross-site request');
    const body = ChatBody.safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, z.prettifyError(body.error).split('\n')[0] ?? 'bad request');
    // A request without a session starts a conversation: one address may start only so many.
    const { session } = await sessionOf(req, ip);
    if (!(await turnsPerSession.allow(session.id))) throw new HttpError(429, 'too many messages; wait a minute');
    const id = conversationOf(session.id);
    const result = await app.runner.turn(id, body.data.event as EngineEvent, {
      channel: 'web',
      requireProof: true,
      subject: { ip },
      origin: ip,
      ...(body.data.lang ? { lang: body.data.lang } : {}),
    });
    // Anything that arrived out of band before this turn comes first.
    const pending = await app.outbox.take(id);
    const replies = [...pending, ...(await toWeb(id, result.replies, result.snapshot.lang))];
    // Proved or handed over in this turn: this page gets the session's new cookie, any copy is dead.
    const epoch = sessionEpoch(result.snapshot);
    const setCookie = epoch !== session.epoch ? sessions.cookie(session.id, epoch) : session.setCookie;
    sendJson(res, 200, { replies, conversation: { status: result.snapshot.status, lang: result.snapshot.lang } }, setCookie ? { 'set-cookie': setCookie } : {});
  }

  async function clock(req: IncomingMessage, res: ServerResponse, ip: string, token: string | undefined) {
    if (!sameOrigin(req)) throw new HttpError(403, 'cross-site request');
    const body = ClockBody.safeParse(await readJson(req));
    if (!body.success) throw new HttpError(400, 'offsetMs and errorMs must be numbers');
    if (!(await clockPostsPerAddress.allow(ip))) throw new HttpError(429, 'too many clock measurements from this address; try again in a few minutes');
    const link = token === undefined ? undefined : await app.links.check(token, 'clock', false);
    if (link && !link.ok) throw new HttpError(404, 'this clock link is not valid any more');
    let lang: Lang = body.data.lang ?? 'en';
    const measured = { offsetMs: body.data.offsetMs, errorMs: body.data.errorMs, atMs: app.clock.now() };
    if (link?.ok) {
      const conv = await app.runner.peek(link.link.conversationId);
      if (conv) lang = conv.lang;
      await outOfBand(link.link.conversationId, { type: 'device-clock', offsetMs: measured.offsetMs, errorMs: measured.errorMs }, ip);
    }
    const { result } = await app.checks.run('clock', { lang, deviceMeasured: measured });
    const advice = catalogues[lang].advice[result.code];
    const words = catalogues[lang].web;
    sendJson(res, 200, {
      code: result.code,
      summary: result.summary,
      offsetMs: Math.round(measured.offsetMs),
      errorMs: Math.round(measured.errorMs),
      measured: render(result.data.reference === 'ntp' ? words.clock_measured_ntp : words.clock_measured_host, { error: Math.ceil(measured.errorMs) }),
      ...(advice ? { advice: render(advice, { ...app.words }) } : {}),
    });
  }

  function clockPage(res: ServerResponse, lang: Lang, token: string) {
    const w = catalogues[lang].web;
    const t = { title: w.clock_title, measuring: w.clock_measuring, back: w.clock_done };
    const html = clockHtml
      .replaceAll('{{lang}}', lang)
      .replaceAll('{{token}}', escape(token))
      .replaceAll('{{title}}', escape(t.title))
      .replaceAll('{{measuring}}', escape(t.measuring))
      .replaceAll('{{back}}', escape(t.back));
    send(res, 200, 'text/html; charset=utf-8', html);
  }

  /**
   * The centre's import job says a token is active (Enrollment API v1, optional): signed like Slack's
   * requests, refused when stale or replayed. It only makes that user's watches due now; the
   * enrollment API still decides.
   */
  async function tokenActivated(req: IncomingMessage, res: ServerResponse) {
    if (!cfg.HOOK_SECRET) return sendJson(res, 404, { error: 'not found' });
    const raw = await readBody(req);
    const ts = String(req.headers['x-timestamp'] ?? '');
    const sig = String(req.headers['x-signature'] ?? '');
    const now = app.clock.now();
    const fresh = /^\d{1,12}$/.test(ts) && Math.abs(now / 1000 - Number(ts)) <= 300;
    const want = `sha256=${createHmac('sha256', cfg.HOOK_SECRET).update(`${ts}.${raw}`).digest('hex')}`;
    const valid = fresh && sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
    // A valid request seen before is a replay: each signature is accepted once.
    if (!valid || !(await app.seen.markSeen(`hook:${sig}`, now))) return sendJson(res, 401, { error: 'bad, stale or replayed signature' });
    const body = HookBody.safeParse((() => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return undefined;
      }
    })());
    if (!body.success) return sendJson(res, 400, { error: 'expected { "user": "...", "tokenId": "..." }' });
    const woken = await app.watcher.wake(body.data.user);
    app.log.info('token-activated hook', { watches: woken });
    res.writeHead(204).end();
  }

  /** 200 while every configured channel is up (or down for less than the grace period), else 503. */
  async function health(res: ServerResponse) {
    const now = Date.now();
    const channels: Record<string, ConnectionStatus> = { web: { state: 'up', since: started, attempts: 1 } };
    Object.assign(channels, options.statuses?.());
    const failing = Object.entries(channels).filter(([, st]) => unhealthy(st, now, cfg.CHANNEL_GRACE_SECONDS * 1000)).map(([name]) => name);
    // A replica that cannot reach its store, or cannot write to it (a full or read-only disk), can
    // hold no conversation: the load balancer should skip it. A read alone would still answer.
    const within = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
    const [ticketsWaiting, writable] = await Promise.all([
      within(app.ticketsWaiting()).catch(() => null),
      within(app.storeWritable()).then(
        () => true,
        (err: unknown) => {
          app.log.warn('store write probe failed', { code: errorCode(err), err });
          return false;
        },
      ),
    ]);
    if (ticketsWaiting === null || !writable) failing.push('store');
    sendJson(res, failing.length ? 503 : 200, {
      ok: failing.length === 0,
      ...(failing.length ? { failing } : {}),
      uptimeSeconds: Math.round((now - started) / 1000),
      // States only: why a platform is down (addresses, error texts) is in the log, not on the public port.
      channels: Object.fromEntries(Object.entries(channels).map(([name, st]) => [name, { state: st.state, sinceSeconds: Math.round((now - st.since) / 1000) }])),
      reference: app.reference.now().reference,
      ticketsWaiting,
    });
  }

  async function ipVerdict(res: ServerResponse, ip: string, lang: Lang) {
    const { result } = await app.checks.run('network', { ip, lang });
    const d = result.data;
    const lines = [
      `address: ${d.ip ?? ip}`,
      `names: ${Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : '(none)'}`,
      `confirmed name: ${d.confirmedName ?? '(none)'}`,
      `two-factor required: ${d.twoFactorRequired ? 'yes' : 'no'}`,
      `why: ${String(d.reason)}`,
      `verdict: ${result.summary} [${result.code}]`,
    ];
    sendText(res, 200, lines.join('\n'));
  }

  /**
   * A page asking for what arrived out of band. It never hands out a cookie. Only a page with a
   * conversation of its session's epoch is recorded as present or gets anything, or may hold a poll
   * open, and one address only so many at once.
   */
  async function poll(req: IncomingMessage, res: ServerResponse, ip: string, url: URL) {
    const session = sessions.get(req);
    const id = conversationOf(session.id);
    const snapshot = session.setCookie ? undefined : await app.runner.peek(id);
    if (!snapshot || sessionEpoch(snapshot) !== session.epoch) return sendJson(res, 200, { replies: [] });
    await seen(id);
    const mine = heldByAddress.get(ip) ?? 0;
    const wait = held >= POLLS_HELD_MAX || mine >= POLLS_HELD_PER_ADDRESS ? 0 : Math.min(POLL_WAIT_MAX_S, Math.max(0, Number(url.searchParams.get('wait')) || 0));
    heldByAddress.set(ip, mine + 1);
    let replies: unknown[];
    try {
      replies = await collect(id, wait, res);
    } finally {
      const left = (heldByAddress.get(ip) ?? 1) - 1;
      if (left > 0) heldByAddress.set(ip, left);
      else heldByAddress.delete(ip);
    }
    if (res.destroyed) return;
    return sendJson(res, 200, { replies });
  }

  async function supportForm(req: IncomingMessage, res: ServerResponse, ip: string, lang: Lang) {
    const { session, snapshot: snap } = await sessionOf(req, ip);
    // Only what the person has proved is filled in: a typed name or address could be anyone's.
    const proven = isProven(snap?.subject.identity);
    const html = supportPage(
      lang,
      cfg.CENTRE_NAME,
      sessions.formToken(session),
      {
        name: '',
        email: proven ? snap?.subject.email ?? '' : '',
        username: proven ? snap?.subject.user ?? '' : '',
        what: snap?.note ?? '',
        messages: snap?.transcript.length ?? 0,
        findings: snap?.findings.length ?? 0,
        ...(snap?.slots.ticket ? { ticket: snap.slots.ticket.v } : {}),
      },
      [],
      responseTime(lang),
    );
    send(res, 200, 'text/html; charset=utf-8', html, session.setCookie ? { 'set-cookie': session.setCookie } : {});
  }

  async function supportSubmit(req: IncomingMessage, res: ServerResponse, ip: string, lang: Lang) {
    if (!sameOrigin(req)) throw new HttpError(403, 'cross-site request');
    const fields = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const { session, snapshot: snap } = await sessionOf(req, ip);
    const parsed = SupportBody.safeParse({ username: '', ...fields });
    const csrf = sessions.checkFormToken(session, fields.csrf);
    if (!parsed.success || !csrf) {
      const words = catalogues[lang].web;
      const label = (field: string) => (['name', 'email', 'username', 'what'].includes(field) ? words[field as 'name'] : field);
      const errors = !csrf ? [words.form_expired] : parsed.error!.issues.map((i) => render(words.check_field, { field: label(String(i.path[0])) }));
      const html = supportPage(lang, cfg.CENTRE_NAME, sessions.formToken(session), {
        name: String(fields.name ?? '').slice(0, 200),
        email: String(fields.email ?? '').slice(0, 254),
        username: String(fields.username ?? '').slice(0, 64),
        what: String(fields.what ?? '').slice(0, 4000),
        messages: 0,
        findings: 0,
      }, errors, responseTime(lang));
      send(res, 400, 'text/html; charset=utf-8', html, session.setCookie ? { 'set-cookie': session.setCookie } : {});
      return;
    }
    if (!(await formsPerAddress.allow(ip))) throw new HttpError(429, 'too many forms from this address; try again later or write to the support address');
    const f = parsed.data;
    const findings = snap ? findingResults(snap) : [];
    const { reference } = await app.handover.open({
      conversationId: snap?.id ?? conversationOf(session.id),
      urgent: false,
      lang,
      ...(snap?.slots.ticket ? { relatesTo: snap.slots.ticket.v } : {}),
      subject: { ...(f.username ? { user: f.username } : {}), email: f.email, ip, identity: snap?.subject.identity === 'email' && snap.subject.user === f.username ? 'email' : 'claimed' },
      note: `${f.name}: ${f.what}`,
      transcript: snap ? app.runner.transcript(snap, 'en') : [],
      findings,
      createdAt: new Date(app.clock.now()).toISOString(),
    });
    send(res, 200, 'text/html; charset=utf-8', thanksPage(lang, reference, responseTime(lang)));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Other channels' routes first (Slack's ack path), before anything else is parsed.
    const route = options.routes?.length ? routeFor(options.routes, req) : undefined;
    if (route) return void route.handle(req, res);
    const url = new URL(req.url ?? '/', 'http://local');
    const ip = clientAddress(req, cfg.TRUSTED_PROXIES);
    const lang: Lang = isLang(url.searchParams.get('lang')) ? (url.searchParams.get('lang') as Lang) : 'en';
    const p = url.pathname;
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';

    if (get && assets[p]) return send(res, 200, assets[p].type, assets[p].body, { 'cache-control': 'public, max-age=300' });
    if (get && p === '/') return send(res, 200, 'text/html; charset=utf-8', indexHtml);
    if (get && p === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    if (get && p === '/healthz') return health(res);
    if (get && p === '/ip') return ipVerdict(res, ip, lang);
    if (get && p === '/api/time') return sendJson(res, 200, { now: app.reference.now().ms });
    if (get && p === '/api/chat/poll') return poll(req, res, ip, url);
    if (method === 'POST' && p === '/api/chat') return chat(req, res, ip);
    if (method === 'POST' && p === '/hooks/token-activated') return tokenActivated(req, res);
    if (method === 'POST' && p === '/api/clock') return clock(req, res, ip, undefined);
    const clockPost = /^\/api\/clock\/([^/]{1,80})$/.exec(p);
    if (method === 'POST' && clockPost?.[1]) return clock(req, res, ip, clockPost[1]);
    if (get && p === '/clock') return clockPage(res, lang, '');
    const clockLink = /^\/c\/([^/]{1,80})$/.exec(p);
    if (get && clockLink?.[1]) {
      const link = await app.links.check(clockLink[1], 'clock', false);
      if (!link.ok) return send(res, 404, 'text/html; charset=utf-8', badLinkPage(lang));
      const conv = await app.runner.peek(link.link.conversationId);
      return clockPage(res, conv?.lang ?? lang, clockLink[1]);
    }
    if (get && p === '/support') return supportForm(req, res, ip, lang);
    if (get && p === '/privacy') {
      // A centre with a notice of its own (PRIVACY_URL) sends people there; otherwise the bot's own, from the retention settings.
      if (app.config.PRIVACY_URL) {
        res.writeHead(302, { location: app.config.PRIVACY_URL }).end();
        return;
      }
      const c = app.config;
      return send(res, 200, 'text/html; charset=utf-8', privacyPage(lang, {
        centre: c.CENTRE_NAME,
        supportEmail: c.SUPPORT_EMAIL,
        conversations: c.RETENTION_CONVERSATIONS,
        silentConversations: c.RETENTION_SILENT_CONVERSATIONS,
        addresses: c.RETENTION_ADDRESSES,
        tickets: c.RETENTION_TICKETS,
      }));
    }
    if (method === 'POST' && p === '/support') return supportSubmit(req, res, ip, lang);
    if (p.startsWith('/api/') || p === '/support') return sendJson(res, 405, { error: 'method not allowed' });
    return sendText(res, 404, 'not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { error: err.message }, err.status === 413 ? { connection: 'close' } : {});
        if (err.status === 413) drainThenClose(req);
        return;
      }
      app.log.error('web request failed', { code: errorCode(err), path: req.url?.split('?')[0], err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  // A client that asks before sending a body too large is told 413 at once, not "100 Continue".
  server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      sendJson(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
      return;
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL'
          ? new HelpdeskError('config.invalid', `PORT: cannot listen on ${cfg.HOST}:${cfg.PORT} (${err.code}); choose another PORT or HOST`, { cause: err })
          : err,
      ),
    );
    server.listen(cfg.PORT, cfg.HOST, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    pollsHeld: () => held,
    close: () =>
      new Promise((resolve) => {
        closing = true;
        unsubscribe();
        for (const set of waiters.values()) for (const wake of set) wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
