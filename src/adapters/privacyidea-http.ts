// privacyIDEA's REST API as the bot uses it: one request at a time, its JSON envelope validated, and
// the admin JWT (POST /auth) renewed before it expires — or a long-lived API key used as is. Shapes
// as privacyIDEA answers them (read from its source, 3.11–3.14):
//   envelope   privacyidea/api/lib/utils.py send_result: {"id":1,"jsonrpc":"2.0","result":{"status":true,
//              "value":…},"time":…,"version":"privacyIDEA 3.x","signature":"…"}
//   errors     privacyidea/api/lib/utils.py send_error: result {"status":false,"error":{"code":…,"message":…}};
//              codes from privacyidea/lib/error.py (4031 AuthError wrong credentials, 4033 missing or
//              invalid Authorization, 904 UserError, 1007 token locked/revoked)
//   /auth      privacyidea/api/auth.py get_auth_token: value.token, a JWT (exp in its payload)
//   header     privacyidea/api/auth.py: the JWT is sent as PI-Authorization
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HelpdeskError } from '../errors.ts';
import type { UpstreamObserver } from '../ports/metrics.ts';
import { outcomeOf, timedRequest } from './upstream-timing.ts';

export const Envelope = z.object({
  result: z.union([
    z.object({ status: z.literal(true), value: z.unknown() }),
    z.object({ status: z.literal(false), error: z.object({ code: z.number().int(), message: z.string() }) }),
  ]),
  detail: z.unknown().optional(),
  version: z.string().optional(),
});

const AuthValue = z.object({ token: z.string().min(10) });

/** `malformed`: the answer was bad JSON or not privacyIDEA's envelope (a proxy's page, a truncated body). */
export type PiAnswer = { ok: true; value: unknown; detail: unknown } | { ok: false; status: number; code: number | null; message: string; malformed?: true };

/** What an answer that is not JSON parses to. */
const BAD_JSON = Symbol('bad JSON');

export interface PrivacyIdeaHttpOptions {
  baseUrl: string;
  user?: string | undefined;
  password?: string | undefined;
  apiKey?: string | undefined;
  caFile?: string | undefined;
  timeoutMs: number;
  /** Told of each request (POST /auth included). */
  observe?: UpstreamObserver | undefined;
  /** For tests: what "now" is (ms). */
  now?: () => number;
}

/** A JWT is renewed when less than this is left (privacyIDEA's default lifetime is one hour). */
const RENEW_BEFORE_MS = 5 * 60_000;
const MAX_BODY_BYTES = 512 * 1024;

export class PrivacyIdeaHttp {
  private jwt: { token: string; expiresAt: number } | undefined;
  private authenticating: Promise<string> | undefined;
  private readonly agent: http.Agent;
  private readonly now: () => number;

  constructor(private readonly o: PrivacyIdeaHttpOptions) {
    this.now = o.now ?? Date.now;
    this.agent = o.baseUrl.startsWith('https:')
      ? new https.Agent({ keepAlive: true, ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}) })
      : new http.Agent({ keepAlive: true });
  }

  /** One request, told to the observer by its method and path (without the query, which names the user). */
  private raw(method: 'GET' | 'POST', path: string, body: Record<string, string> | undefined, auth: string | undefined, signal: AbortSignal): Promise<{ status: number; json: unknown }> {
    return timedRequest(this.o.observe, `${method} ${path.split('?')[0]}`, () => this.request(method, path, body, auth, signal), (r) => outcomeOf(r.status));
  }

  private request(method: 'GET' | 'POST', path: string, body: Record<string, string> | undefined, auth: string | undefined, signal: AbortSignal): Promise<{ status: number; json: unknown }> {
    const url = new URL(path.replace(/^\//, ''), this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`);
    const payload = body ? JSON.stringify(body) : undefined;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          agent: this.agent,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.o.timeoutMs)]),
          headers: {
            accept: 'application/json',
            ...(auth ? { 'PI-Authorization': auth } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY_BYTES) req.destroy(new HelpdeskError('upstream.malformed', `answer larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              json = BAD_JSON;
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err: Error) => reject(['AbortError', 'TimeoutError'].includes(err.name) ? new HelpdeskError('upstream.timeout', 'timed out') : err instanceof HelpdeskError ? err : new HelpdeskError('upstream.unavailable', err.message.split('\n')[0] ?? '', { cause: err })));
      req.end(payload);
    });
  }

  private interpret(status: number, json: unknown): PiAnswer {
    if (json === BAD_JSON) return { ok: false, status, code: null, message: `bad JSON (HTTP ${status})`, malformed: true };
    const parsed = Envelope.safeParse(json);
    if (!parsed.success) return { ok: false, status, code: null, message: `JSON that is not privacyIDEA's answer (HTTP ${status})`, malformed: true };
    const r = parsed.data.result;
    return r.status ? { ok: true, value: r.value, detail: parsed.data.detail } : { ok: false, status, code: r.error.code, message: r.error.message.slice(0, 200) };
  }

  /** The JWT, fetched or renewed when it has less than RENEW_BEFORE_MS left; concurrent callers share one POST /auth. */
  private async token(signal: AbortSignal, force = false): Promise<string> {
    if (this.o.apiKey) return this.o.apiKey;
    if (!force && this.jwt && this.jwt.expiresAt - this.now() > RENEW_BEFORE_MS) return this.jwt.token;
    this.authenticating ??= (async () => {
      const { status, json } = await this.raw('POST', '/auth', { username: this.o.user ?? '', password: this.o.password ?? '' }, undefined, signal);
      const a = this.interpret(status, json);
      // Never the password; the user name and privacyIDEA's code are enough to act on.
      if (!a.ok && a.malformed) throw new HelpdeskError('upstream.malformed', `privacyIDEA POST /auth: ${a.message}`);
      if (!a.ok) throw new HelpdeskError('upstream.unavailable', `privacyIDEA refused POST /auth for ${this.o.user} (${a.code ?? `HTTP ${a.status}`})`);
      const v = AuthValue.safeParse(a.value);
      if (!v.success) throw new HelpdeskError('upstream.malformed', 'privacyIDEA POST /auth: no token in the answer');
      this.jwt = { token: v.data.token, expiresAt: jwtExpiry(v.data.token) ?? this.now() + 60 * 60_000 };
      return v.data.token;
    })().finally(() => (this.authenticating = undefined));
    return this.authenticating;
  }

  /** One call with authorization; an expired or refused JWT (401, 4033) is renewed once and the call repeated. */
  async call(method: 'GET' | 'POST', path: string, body: Record<string, string> | undefined, signal: AbortSignal): Promise<PiAnswer> {
    let auth = await this.token(signal);
    let { status, json } = await this.raw(method, path, body, auth, signal);
    let answer = this.interpret(status, json);
    if (!answer.ok && status === 401 && !this.o.apiKey) {
      auth = await this.token(signal, true);
      ({ status, json } = await this.raw(method, path, body, auth, signal));
      answer = this.interpret(status, json);
    }
    return answer;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The `exp` of a JWT (ms), read without verifying: the bot only needs to know when to renew it. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
