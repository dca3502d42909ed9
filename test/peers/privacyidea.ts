// A contract server for privacyIDEA's REST API: privacyIDEA needs Python packages this project's
// machines cannot reach, so the adapter is tested against the JSON privacyIDEA documents and sends,
// as read from its source (3.11–3.14; paths inside github.com/privacyidea/privacyidea):
//   privacyidea/api/lib/utils.py  send_result: {"jsonrpc":"2.0","result":{"status":true,"value":…},
//                                  "version":"privacyIDEA 3.x","versionnumber":…,"id":1,"time":…,
//                                  "detail":…}; the after-request hook adds "signature".
//                                  send_error: result {"status":false,"error":{"code":…,"message":…}}
//   privacyidea/lib/error.py      Error codes: 4031 wrong credentials, 4033 missing/invalid
//                                  Authorization header, 4305 JWT expired, 904 UserError,
//                                  905 ParameterError; lib/decorators.py check_token_locked raises
//                                  TokenAdminError 1007 for a locked (revoked) token
//   privacyidea/api/before_after.py  AuthError → HTTP 401; other errors → HTTP 400
//   privacyidea/api/auth.py       POST /auth {username,password} → value {token (JWT, exp 1 h), role,
//                                  username, realm, rights, …}; the JWT is read from PI-Authorization
//   privacyidea/api/token.py      GET /token/?user=&realm=&type= → value {tokens, count, prev, next,
//                                  current}; each token from lib/tokenclass.py get_as_dict: serial,
//                                  tokentype, active, revoked, locked, failcount, maxfail, count,
//                                  rollout_state, info (string values: creation_date in DATE_FORMAT
//                                  '%Y-%m-%dT%H:%M%z', last_auth in AUTH_DATE_FORMAT
//                                  '%Y-%m-%d %H:%M:%S.%f%z', timeShift, timeStep, timeWindow, …)
//   privacyidea/api/user.py       GET /user/?username=&realm= → value [ {username, givenname, …} ]
//   privacyidea/api/validate.py   POST /validate/check {serial, pass, otponly} → value true|false,
//                                  detail {message, serial, type, otplen}; lib/tokens/totptoken.py
//                                  check_otp: window ± timeWindow/timeStep steps around
//                                  now + timeShift, never a step <= count, on a match count = step,
//                                  timeShift = tokentime − now; otponly=1 skips the PIN and the
//                                  fail counter (lib/token.py check_serial_pass)
// Every request is recorded, so a test can prove the bot never calls what changes a token.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSync } from 'otplib';

export interface PiToken {
  serial: string;
  user: string;
  secret: string;
  active?: boolean;
  revoked?: boolean;
  failcount?: number;
  maxfail?: number;
  rollout_state?: string;
  /** Stored strings, as in privacyIDEA's tokeninfo table. */
  info?: Record<string, string>;
  count?: number;
}

export interface PiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface PrivacyIdeaPeer {
  url: string;
  requests: PiRequest[];
  tokens: PiToken[];
  users: Set<string>;
  /** How long a JWT from POST /auth lives (s); privacyIDEA's default is 3600. */
  jwtSeconds: number;
  /** Makes every JWT issued so far expire now (the server's clock moved on). */
  expireJwts(): void;
  /** Answer nothing for a while (a privacyIDEA that hangs). */
  hang: boolean;
  close(): Promise<void>;
}

export const ADMIN = { username: 'helpdesk-reader', password: 'Reader-Pa55word-uvw' };
export const API_KEY = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ role: 'admin', username: 'apikey' })).toString('base64url')}.${'k'.repeat(43)}`;

const fmt = (d: Date, withSeconds: boolean) => {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return withSeconds
    ? `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000+0000`
    : `${date}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}+0000`;
};
/** creation_date as lib/tokenclass.py stores it (DATE_FORMAT). */
export const creationDate = (ms: number) => fmt(new Date(ms), false);
/** last_auth as lib/tokenclass.py stores it (AUTH_DATE_FORMAT). */
export const lastAuth = (ms: number) => fmt(new Date(ms), true);

export async function startPrivacyIdea(): Promise<PrivacyIdeaPeer> {
  const jwts = new Map<string, number>();
  const peer: PrivacyIdeaPeer = {
    url: '',
    requests: [],
    tokens: [],
    users: new Set(),
    jwtSeconds: 3600,
    hang: false,
    expireJwts: () => {
      for (const k of jwts.keys()) jwts.set(k, 0);
    },
    close: async () => undefined,
  };
  const envelope = (value: unknown, detail?: unknown) => ({
    id: 1,
    jsonrpc: '2.0',
    result: { status: true, value },
    time: Date.now() / 1000,
    version: 'privacyIDEA 3.12',
    versionnumber: '3.12',
    ...(detail ? { detail } : {}),
    signature: `rsa_sha256_pss:${randomBytes(32).toString('hex')}`,
  });
  const error = (code: number, message: string) => ({
    id: 1,
    jsonrpc: '2.0',
    result: { status: false, error: { code, message } },
    time: Date.now() / 1000,
    version: 'privacyIDEA 3.12',
    signature: `rsa_sha256_pss:${randomBytes(32).toString('hex')}`,
  });
  const asDict = (t: PiToken) => ({
    serial: t.serial,
    tokentype: 'totp',
    active: t.active ?? true,
    revoked: t.revoked ?? false,
    locked: t.revoked ?? false,
    failcount: t.failcount ?? 0,
    maxfail: t.maxfail ?? 10,
    count: t.count ?? 0,
    count_window: 10,
    description: '',
    otplen: 6,
    rollout_state: t.rollout_state ?? '',
    sync_window: 1000,
    tokengroup: [],
    user_id: `${t.user}-id`,
    user_realm: 'people',
    username: t.user,
    realms: ['people'],
    resolver: 'ldap-people',
    info: { hashlib: 'sha1', timeShift: '0', timeStep: '30', timeWindow: '180', tokenkind: 'software', ...t.info },
  });

  /** TOTP check as lib/tokens/totptoken.py check_otp does it. */
  const checkOtp = (t: PiToken, pass: string): boolean => {
    const info = { timeShift: '0', timeStep: '30', timeWindow: '180', ...t.info };
    const step = Number(info.timeStep);
    const now = Date.now() / 1000;
    const serverTime = now + Number(info.timeShift);
    const counter = Math.floor(serverTime / step);
    const window = Math.floor(Number(info.timeWindow) / step);
    for (let d = -window; d <= window; d++) {
      const c = counter + d;
      if (generateSync({ secret: t.secret, epoch: c * step }) !== pass) continue;
      if ((t.count ?? 0) !== 0 && c <= (t.count ?? 0)) return false;
      t.count = c;
      t.info = { ...t.info, timeShift: String(c * step - Math.floor(now)), last_auth: lastAuth(Date.now()) };
      return true;
    }
    return false;
  };

  const route = (req: PiRequest): { status: number; body: unknown } => {
    if (req.method === 'POST' && req.path === '/auth') {
      if (req.body.username !== ADMIN.username || req.body.password !== ADMIN.password) return { status: 401, body: error(4031, 'Authentication failure. Wrong credentials') };
      const exp = Math.floor(Date.now() / 1000) + peer.jwtSeconds;
      const token = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ username: ADMIN.username, realm: '', role: 'admin', exp, authtype: 'password' })).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
      jwts.set(token, exp);
      return { status: 200, body: envelope({ token, role: 'admin', username: ADMIN.username, realm: '', log_level: 20, rights: ['tokenlist', 'userlist'], menus: ['tokens', 'users'] }, {}) };
    }
    const auth = req.authorization;
    if (!auth) return { status: 401, body: error(4033, 'Authentication failure. Missing Authorization header.') };
    if (auth !== API_KEY) {
      const exp = jwts.get(auth);
      if (exp === undefined) return { status: 401, body: error(4304, 'Authentication failure. Error during decoding your token: Signature verification failed') };
      if (exp * 1000 <= Date.now()) return { status: 401, body: error(4305, 'Authentication failure. Your token has expired: Signature has expired') };
    }
    if (req.method === 'GET' && req.path === '/token/') {
      if (req.query.user !== undefined && !peer.users.has(req.query.user)) return { status: 400, body: error(904, `User(login='${req.query.user}', realm='${req.query.realm}', resolver='') does not exist.`) };
      const tokens = peer.tokens.filter((t) => (req.query.user === undefined || t.user === req.query.user) && (req.query.serial === undefined || t.serial === req.query.serial)).map(asDict);
      return { status: 200, body: envelope({ tokens, count: tokens.length, current: 1, next: null, prev: null }) };
    }
    if (req.method === 'GET' && req.path === '/user/') {
      const name = req.query.username;
      return { status: 200, body: envelope(name !== undefined && peer.users.has(name) ? [{ username: name, givenname: name, surname: '', email: `${name}@example.org`, userid: `${name}-id`, editable: false }] : []) };
    }
    if (req.method === 'POST' && req.path === '/validate/check') {
      const t = peer.tokens.find((x) => x.serial === req.body.serial);
      if (!t) return { status: 400, body: error(905, 'The token does not exist') };
      if (t.revoked) return { status: 400, body: error(1007, 'This action is not possible, since the token is locked') };
      const ok = String(req.body.otponly) === '1' && checkOtp(t, String(req.body.pass ?? ''));
      // otponly=1: a miss raises no fail counter (lib/token.py check_serial_pass with otponly).
      return { status: 200, body: envelope(ok, { message: ok ? 'matching 1 tokens' : 'wrong otp value', serial: t.serial, type: 'totp', otplen: 6, threadid: 1 }) };
    }
    return { status: 404, body: error(601, `${req.method} ${req.path} is not part of this contract`) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      let body: Record<string, unknown> = {};
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw) body = (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      const header = req.headers['pi-authorization'] ?? req.headers.authorization;
      const r: PiRequest = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), body, authorization: Array.isArray(header) ? header[0] : header };
      peer.requests.push(r);
      if (peer.hang) return;
      const out = route(r);
      res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
