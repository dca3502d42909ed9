// The Enrollment API v1 client. Every answer is validated; a timeout, a 5xx or an answer of the
// wrong shape becomes `unavailable` (logged with the reason), never an exception. GETs are retried
// with backoff and cached briefly; a code verification is never retried, shared or cached.
import type { CacheSubject } from '../ports/upstream.ts';
import { oneOf } from './cache-keys.ts';
import { describeError } from '../errors.ts';
import type { z } from 'zod';
import {
  Account,
  AccountList,
  TokenList,
  VerifyAnswer,
  type EnrollmentPort,
  type Upstream,
} from '../ports/enrollment.ts';
import type { Logger } from '../ports/logger.ts';
import { DelegateBackoff, handleWhenResult, retry } from 'cockatiel';
import { UpstreamGuard } from './limits.ts';
import { delayAfter } from './backoff.ts';
import { outcomeOf } from './upstream-timing.ts';
import type { UpstreamObserver } from '../ports/metrics.ts';

export interface HttpEnrollmentOptions {
  baseUrl: string;
  token: string;
  guard: UpstreamGuard;
  /** Each HTTP attempt's own limit. */
  attemptTimeoutMs: number;
  /**
   * All attempts of one call together, backoff included: no retry starts, and no attempt runs,
   * past it (a check's own limit, so retries can never make a check overrun).
   */
  budgetMs?: number;
  retries: number;
  backoffMs: number;
  log: Logger;
  /** Called with each request's duration, for metrics. */
  observe?: UpstreamObserver;
}

/** One HTTP answer, or why there is none (the same shape as every upstream call). */
type Raw = Upstream<{ status: number; body: unknown }>;

/** No answer of this API is anywhere near this size; a larger one is a fault, not something to buffer. */
export const MAX_BODY_BYTES = 256 * 1024;

/** An attempt with less time than this left is not started. */
/** What an answer that is not JSON parses to. */
const BAD_JSON = Symbol('bad JSON');
const MIN_ATTEMPT_MS = 50;

/** One attempt's answer, and whether it is worth another (no answer, or a 5xx). */
type Attempt<T> = { answer: Upstream<T>; again: boolean };

const NOT_TRIED = { ok: false, reason: 'unavailable', detail: 'not tried' } as const;

/** The body as text, or undefined (and the connection dropped) once it passes `limit` bytes. */
async function readCapped(res: Response, limit: number): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A metrics label per kind of call (never the username). */
function routeOf(path: string): string {
  if (path.endsWith('/totp/verify')) return 'verify';
  if (path.endsWith('/tokens')) return 'tokens';
  if (path.includes('?email=')) return 'accounts-by-email';
  return 'account';
}

export class HttpEnrollment implements EnrollmentPort {
  /** Is a cached answer (its guard key) about these accounts or addresses: exactly theirs, bob's and not bobby's? */
  async forget(who: CacheSubject): Promise<void> {
    await this.o.guard.forget((key) => HttpEnrollment.ownsCacheKey(key, who));
  }

  static ownsCacheKey(key: string, who: CacheSubject): boolean {
    const m = /^GET \/v1\/accounts(?:\/([^/?]+)(?:\/[^?]*)?|\?email=([^&]*))$/.exec(key);
    if (!m) return false;
    const decoded = (x: string) => {
      try {
        return decodeURIComponent(x);
      } catch {
        return x;
      }
    };
    return m[1] !== undefined ? oneOf(decoded(m[1]), who.users) : oneOf(decoded(m[2] ?? ''), who.emails);
  }

  constructor(private readonly o: HttpEnrollmentOptions) {}

  private url(path: string): string {
    return new URL(path.replace(/^\//, ''), this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`).toString();
  }

  private async request(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown, timeoutMs = this.o.attemptTimeoutMs): Promise<Raw> {
    const started = performance.now();
    try {
      const res = await fetch(this.url(path), {
        method,
        // Whole milliseconds: what is left of a budget is fractional, and AbortSignal.timeout refuses that.
        signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)))]),
        headers: {
          authorization: `Bearer ${this.o.token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await readCapped(res, MAX_BODY_BYTES);
      if (text === undefined) {
        this.o.observe?.(routeOf(path), performance.now() - started, 'too-large');
        return { ok: false, reason: 'unavailable', detail: `answer larger than ${MAX_BODY_BYTES} bytes` };
      }
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = BAD_JSON;
      }
      this.o.observe?.(routeOf(path), performance.now() - started, outcomeOf(res.status));
      return { ok: true, value: { status: res.status, body: parsed } };
    } catch (err) {
      this.o.observe?.(routeOf(path), performance.now() - started, 'error');
      return ['AbortError', 'TimeoutError'].includes((err as Error).name) ? { ok: false, reason: 'timeout', detail: 'timed out' } : { ok: false, reason: 'unavailable', detail: describeError(err) };
    }
  }

  private async get<S extends z.ZodType>(path: string, schema: S, what: string): Promise<Upstream<z.infer<S>>> {
    return this.o.guard.run(
      `GET ${path}`,
      async (signal) => {
        const deadline = performance.now() + (this.o.budgetMs ?? Infinity);
        // No answer or a 5xx is retried (cockatiel), with exponential backoff and jitter, and never
        // past the time budget: a backoff ends at the deadline, and an attempt needs MIN_ATTEMPT_MS.
        const policy = retry(
          handleWhenResult((r) => (r as Attempt<z.infer<S>>).again),
          { maxAttempts: this.o.retries, backoff: new DelegateBackoff((c) => Math.max(0, Math.min(delayAfter(c.attempt - 1, this.o.backoffMs, Infinity) * (0.5 + Math.random()), deadline - performance.now()))) },
        );
        const last = await policy.execute(async ({ attempt, signal: s }): Promise<Attempt<z.infer<S>>> => {
          const left = deadline - performance.now();
          if (s.aborted || left < MIN_ATTEMPT_MS) {
            const answer = attempt > 0 ? this.unavailable(what, `${attempt} attempt${attempt === 1 ? '' : 's'} used the time budget`) : NOT_TRIED;
            return { answer, again: false };
          }
          const raw = await this.request('GET', path, s, undefined, Math.min(this.o.attemptTimeoutMs, left));
          return { answer: this.interpret(raw, schema, what), again: !raw.ok || raw.value.status >= 500 };
        }, signal);
        return last.answer;
      },
      (r) => r.ok || r.reason === 'not-found',
    ).catch((err: unknown) => this.unavailable(what, describeError(err)));
  }

  private interpret<S extends z.ZodType>(raw: Raw, schema: S, what: string): Upstream<z.infer<S>> {
    if (!raw.ok) return this.unavailable(what, raw.detail);
    const { status, body } = raw.value;
    if (status === 404) return { ok: false, reason: 'not-found', detail: `${what}: 404` };
    if (status === 501) return { ok: false, reason: 'unsupported', detail: `${what}: 501` };
    if (status !== 200) return this.unavailable(what, `HTTP ${status}`);
    if (body === BAD_JSON) return this.unavailable(what, `bad JSON (HTTP ${status})`, 'upstream.malformed');
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      return this.unavailable(what, `malformed answer: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).slice(0, 3).join('; ')}`, 'upstream.malformed');
    }
    return { ok: true, value: parsed.data };
  }

  /** Down, refused or timed out; or (`upstream.malformed`) an answer that is bad JSON or of the wrong shape. */
  private unavailable(what: string, detail: string, code: 'upstream.unavailable' | 'upstream.malformed' = 'upstream.unavailable'): { ok: false; reason: 'unavailable'; detail: string } {
    this.o.log.warn(code === 'upstream.malformed' ? 'enrollment API answered bad JSON' : 'enrollment API unavailable', { code, what, detail });
    return { ok: false, reason: 'unavailable', detail: `${what}: ${detail}` };
  }

  getAccount(username: string) {
    return this.get(`/v1/accounts/${encodeURIComponent(username)}`, Account, 'account');
  }

  async findAccountsByEmail(email: string) {
    const r = await this.get(`/v1/accounts?email=${encodeURIComponent(email)}`, AccountList, 'accounts by e-mail');
    return r.ok ? { ok: true as const, value: r.value.accounts } : r;
  }

  async listTokens(username: string) {
    const r = await this.get(`/v1/accounts/${encodeURIComponent(username)}/tokens`, TokenList, 'tokens');
    return r.ok ? { ok: true as const, value: r.value.tokens } : r;
  }

  async verifyCode(username: string, code: string, maxSkewSteps: number) {
    const path = `/v1/accounts/${encodeURIComponent(username)}/totp/verify`;
    try {
      const raw = await this.o.guard.run(undefined, (signal) => this.request('POST', path, signal, { code, maxSkewSteps }));
      return this.interpret(raw, VerifyAnswer, 'verify');
    } catch (err) {
      return this.unavailable('verify', describeError(err));
    }
  }
}
