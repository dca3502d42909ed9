// The embedded demo backend: the Enrollment API v1 over HTTP on loopback, so the demo takes the same
// path through the real HTTP client as production. One seeded user per situation, with real TOTP
// secrets, and a demo enrollment page that shows a real QR code for a person's own app.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSecret, generateSync, generateURI } from 'otplib';
import QRCode from 'qrcode';
import type { Clock } from '../ports/time.ts';
import type { DemoEnrollment } from '../ports/enrollment.ts';
import { HelpdeskError } from '../errors.ts';

export interface DemoToken {
  id: string;
  state: 'pending' | 'active' | 'disabled' | 'revoked' | 'locked';
  /** Registered this many minutes before "now", so a seeded situation stays the same over time. */
  registeredMinutesAgo?: number;
  registeredAt?: number;
  secret: string;
}

export interface DemoUser {
  username: string;
  email: string;
  status: 'active' | 'expired' | 'suspended';
  situation: string;
  tokens: DemoToken[];
}

/** The documented demo users (README, "Demo users"). Secrets are for the demo only. */
export function demoUsers(): DemoUser[] {
  const user = (username: string, situation: string, status: DemoUser['status'], tokens: DemoToken[]): DemoUser => ({
    username,
    email: `${username}@example.org`,
    status,
    situation,
    tokens,
  });
  return [
    user('alice', 'active token', 'active', [{ id: 'tok-alice-1', state: 'active', registeredMinutesAgo: 60 * 24 * 30, secret: 'MG76KQXW4M5RI4D2O4WKFYC5NFU3WOWR' }]),
    user('bob', 'token pending for 5 minutes', 'active', [{ id: 'tok-bob-1', state: 'pending', registeredMinutesAgo: 5, secret: 'IK6QY2T5UYVR5CZO3QBEKJW62MVFDUS4' }]),
    user('carol', 'token pending for 2 hours', 'active', [{ id: 'tok-carol-1', state: 'pending', registeredMinutesAgo: 120, secret: '4FEQOO5AFR5BL3TAFF355WDABUGQMKR7' }]),
    user('dave', 'no token', 'active', []),
    user('erin', 'disabled token', 'active', [{ id: 'tok-erin-1', state: 'disabled', registeredMinutesAgo: 60 * 24 * 90, secret: 'AYE53VXL5S6S4VUOOLDDPQ3LWZMOJCBA' }]),
    user('frank', 'expired account', 'expired', [{ id: 'tok-frank-1', state: 'active', registeredMinutesAgo: 60 * 24 * 400, secret: 'H6T3JVTWB3PLVLS4GLT5CFYMPAAH75DJ' }]),
  ];
}

export interface DemoBackendOptions {
  clock: Clock;
  token?: string;
  /** Minutes a token registered on the demo page stays pending. */
  activationMinutes?: number;
  centre?: string;
  /** Set to false to answer verify with 501, like a backend without it. */
  verify?: boolean;
  /** More users beside the documented ones (benchmarks use a hundred). */
  extraUsers?: DemoUser[];
}

export class DemoEnrollmentBackend implements DemoEnrollment {
  readonly token: string;
  private server?: Server;
  private readonly users: Map<string, DemoUser>;
  /** Requests served, by route; the benchmarks read this. */
  readonly requests = new Map<string, number>();

  constructor(private readonly o: DemoBackendOptions) {
    this.token = o.token ?? randomBytes(18).toString('base64url');
    this.users = new Map([...demoUsers(), ...(o.extraUsers ?? [])].map((u) => [u.username, u]));
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | undefined;
    if (!addr) throw new HelpdeskError('internal', 'the demo enrollment backend is not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  totalRequests(): number {
    return [...this.requests.values()].reduce((a, b) => a + b, 0);
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => send(res, 500, { error: 'internal' }));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** A person registering a new token on the enrollment page, now: pending until activated (tests). */
  registerPending(username: string): void {
    const user = this.users.get(username);
    if (user) user.tokens.push({ id: `tok-${username}-${user.tokens.length + 1}`, state: 'pending', registeredAt: this.o.clock.now(), secret: generateSecret() });
  }

  /** The centre's import job finishing: the user's pending tokens become active (tests, and the demo). */
  activate(username: string): boolean {
    const user = this.users.get(username);
    if (!user) return false;
    let changed = false;
    for (const t of user.tokens) {
      if (t.state === 'pending') {
        t.state = 'active';
        changed = true;
      }
    }
    return changed;
  }

  private tokenJson(t: DemoToken) {
    const now = this.o.clock.now();
    const registered = t.registeredAt ?? now - (t.registeredMinutesAgo ?? 0) * 60000;
    let state = t.state;
    // A token registered on the demo page activates by itself, as the real import does.
    if (state === 'pending' && t.registeredAt !== undefined && now - registered >= (this.o.activationMinutes ?? 2) * 60000) state = 'active';
    return {
      id: t.id,
      type: 'totp' as const,
      state,
      registeredAt: new Date(registered).toISOString(),
      activatedAt: state === 'active' ? new Date(registered + 3 * 60000).toISOString() : null,
      lastUsedAt: null,
      failCount: 0,
    };
  }

  private authorised(req: IncomingMessage): boolean {
    const got = Buffer.from(req.headers.authorization ?? '');
    const want = Buffer.from(`Bearer ${this.token}`);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'enroll') return this.enrollPage(req, res, parts[1] ?? '');
    const route = `${req.method} /${parts.map((p, i) => (i === 2 ? ':user' : p)).join('/')}`;
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
    if (!this.authorised(req)) return send(res, 401, { error: 'unauthorised' });
    if (parts[0] !== 'v1' || parts[1] !== 'accounts') return send(res, 404, { error: 'not found' });

    if (parts.length === 2 && req.method === 'GET') {
      const email = (url.searchParams.get('email') ?? '').toLowerCase();
      const accounts = [...this.users.values()].filter((u) => u.email === email).map(accountJson);
      return send(res, 200, { accounts });
    }
    const user = this.users.get((parts[2] ?? '').toLowerCase());
    if (!user) return send(res, 404, { error: 'no such account' });
    if (parts.length === 3 && req.method === 'GET') return send(res, 200, accountJson(user));
    if (parts[3] === 'tokens' && parts.length === 4 && req.method === 'GET') {
      return send(res, 200, { tokens: user.tokens.map((t) => this.tokenJson(t)) });
    }
    if (parts[3] === 'totp' && parts[4] === 'verify' && req.method === 'POST') {
      if (this.o.verify === false) return send(res, 501, { error: 'not supported' });
      const body = (await readJson(req)) as { code?: unknown; maxSkewSteps?: unknown } | undefined;
      const code = typeof body?.code === 'string' ? body.code : '';
      const max = Math.min(Math.max(Number(body?.maxSkewSteps ?? 1) || 1, 0), 40);
      if (!/^\d{6}$/.test(code)) return send(res, 400, { error: 'code must be 6 digits' });
      return send(res, 200, this.verify(user, code, max));
    }
    return send(res, 404, { error: 'not found' });
  }

  /** Looks for the step at which the code matches, nearest first, newest token first. */
  private verify(user: DemoUser, code: string, maxSteps: number) {
    const epoch = Math.floor(this.o.clock.now() / 1000);
    const tokens = user.tokens
      .filter((t) => t.state !== 'revoked')
      .sort((a, b) => (b.registeredAt ?? -b.registeredMinutesAgo!) - (a.registeredAt ?? -a.registeredMinutesAgo!));
    for (let d = 0; d <= maxSteps; d++) {
      for (const step of d === 0 ? [0] : [-d, d]) {
        for (const t of tokens) {
          if (generateSync({ secret: t.secret, epoch: epoch + step * 30 }) === code) return { matched: true, offsetSteps: step, tokenId: t.id };
        }
      }
    }
    return { matched: false, offsetSteps: null, tokenId: null };
  }

  /** A stand-in for the centre's enrollment page: a real QR code to scan, and a code to confirm. */
  private async enrollPage(req: IncomingMessage, res: ServerResponse, username: string): Promise<void> {
    if (!username) {
      const list = [...this.users.values()].map((u) => `<li><a href="/enroll/${encodeURIComponent(u.username)}">${escapeHtml(u.username)}</a>: ${escapeHtml(u.situation)}</li>`).join('');
      return html(res, 200, `<h1>${escapeHtml(this.o.centre ?? 'UPPMAX')} demo: register a second factor</h1><p>This stands in for the centre's enrollment page (and its identity service). Pick a demo user:</p><ul>${list}</ul>`);
    }
    const user = this.users.get(username.toLowerCase());
    if (!user) return html(res, 404, `<p>No demo user called that. Try one of: ${[...this.users.keys()].join(', ')}.</p>`);
    const secretParam = new URL(req.url ?? '/', 'http://demo').searchParams.get('s');
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      const secret = form.get('secret') ?? '';
      const code = form.get('code') ?? '';
      const ok = /^[A-Z2-7]{16,64}$/.test(secret) && generateSync({ secret, epoch: Math.floor(this.o.clock.now() / 1000) }) === code;
      if (!ok) return html(res, 400, '<p>That code does not match. Type the code your app shows right now.</p>');
      user.tokens.push({ id: `tok-${user.username}-${user.tokens.length + 1}`, state: 'pending', registeredAt: this.o.clock.now(), secret });
      return html(res, 200, `<p>Your new second factor has been registered. It will be activated within ${this.o.activationMinutes ?? 2} minutes.</p>`);
    }
    const secret = secretParam && /^[A-Z2-7]{32}$/.test(secretParam) ? secretParam : generateSecret();
    const uri = generateURI({ issuer: `${this.o.centre ?? 'UPPMAX'} (demo)`, label: user.username, secret });
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 240 });
    return html(
      res,
      200,
      `<h1>Demo two-factor registration for ${escapeHtml(user.username)}</h1>
<p>Scan this with your authenticator app, then type the code it shows.</p>${svg}
<form method="post"><input type="hidden" name="secret" value="${secret}">
<label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required></label>
<button>Register</button></form>`,
    );
  }
}

function accountJson(u: DemoUser) {
  return { username: u.username, email: u.email, status: u.status, expiresAt: u.status === 'expired' ? '2026-06-30T23:59:59Z' : '2027-06-30T23:59:59Z' };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
  res.end(`<!doctype html><meta charset="utf-8"><title>Demo enrollment</title>${body}`);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readText(req: IncomingMessage, limit = 16 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HelpdeskError('input.too-large', `the body is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readText(req));
  } catch {
    return undefined;
  }
}
