// Tokens from privacyIDEA. Reads only: GET /token/ (right `tokenlist`) and GET /user/ (right
// `userlist`, asked only when a user has no token, to tell "no such user" from "no token").
// Mapping (privacyidea/lib/tokenclass.py get_as_dict, lib/token.py get_tokens_paginate):
//   rollout_state clientwait|verify|pending → pending; revoked → revoked; active false → disabled;
//   failcount >= maxfail → locked (staff can reset the counter; the bot never does);
//   info.creation_date → registered; info.last_auth → last used; info.timeShift → the drift
//   privacyIDEA learned at the last good code (seconds, token time minus server time:
//   lib/tokens/totptoken.py check_otp, `new_shift = tokentime - inow`).
// Codes are checked only with PRIVACYIDEA_VERIFY=otponly: POST /validate/check with serial, pass and
// otponly=1 (api/validate.py; a miss raises no fail counter, a match uses the code up). Never
// /token/resync or any call that changes a token.
import { describeError, isHelpdeskError } from '../errors.ts';
import { z } from 'zod';
import type { Token, TokenRegistry, VerifyAnswer } from '../ports/token-registry.ts';
import type { Upstream, CacheSubject } from '../ports/upstream.ts';
import { oneOf } from './cache-keys.ts';
import type { Logger } from '../ports/logger.ts';
import type { UpstreamGuard } from './limits.ts';
import type { PiAnswer, PrivacyIdeaHttp } from './privacyidea-http.ts';

const PiToken = z.object({
  serial: z.string().min(1),
  tokentype: z.string(),
  active: z.boolean(),
  revoked: z.boolean(),
  failcount: z.number().int().nonnegative(),
  maxfail: z.number().int().nonnegative(),
  rollout_state: z.string().nullable().optional(),
  // Token info values are strings in privacyIDEA's database (lib/tokenclass.py add_tokeninfo).
  info: z.record(z.string(), z.unknown()).default({}),
});
type PiToken = z.infer<typeof PiToken>;
const TokenPage = z.object({ tokens: z.array(PiToken), count: z.number().int() });
const UserList = z.array(z.object({ username: z.string() }).loose());

const PENDING = new Set(['clientwait', 'verify', 'pending']);

export interface PrivacyIdeaTokensOptions {
  api: PrivacyIdeaHttp;
  guard: UpstreamGuard;
  realm: string;
  verify: 'off' | 'otponly';
  log: Logger;
}

/**
 * privacyIDEA's dates: creation_date as DATE_FORMAT '%Y-%m-%dT%H:%M%z' and last_auth as
 * AUTH_DATE_FORMAT '%Y-%m-%d %H:%M:%S.%f%z' (lib/tokenclass.py); either as ISO 8601 UTC.
 */
export function piDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = value.trim().match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (!m) return undefined;
  const zone = !m[5] || m[5] === 'Z' ? 'Z' : m[5].includes(':') ? m[5] : `${m[5].slice(0, 3)}:${m[5].slice(3)}`;
  const t = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ':00'}${(m[4] ?? '').slice(0, 4)}${zone}`);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export function toToken(t: PiToken): Token {
  const state: Token['state'] = t.revoked
    ? 'revoked'
    : PENDING.has(t.rollout_state ?? '')
      ? 'pending'
      : !t.active
        ? 'disabled'
        : t.maxfail > 0 && t.failcount >= t.maxfail
          ? 'locked'
          : 'active';
  const registeredAt = piDate(t.info.creation_date) ?? new Date(0).toISOString();
  const lastUsedAt = piDate(t.info.last_auth) ?? null;
  const period = num(t.info.timeStep);
  return {
    id: t.serial,
    type: 'totp',
    state,
    registeredAt,
    activatedAt: state === 'pending' ? null : (lastUsedAt ?? null),
    lastUsedAt,
    failCount: t.failcount,
    failLimit: t.maxfail,
    // timeShift is 0 until a code was accepted off the current step; a token never used has learned nothing.
    driftSeconds: lastUsedAt ? (num(t.info.timeShift) ?? null) : null,
    ...(period && period > 0 ? { periodSeconds: Math.round(period) } : {}),
  };
}

export class PrivacyIdeaTokens implements TokenRegistry {
  /** Is a cached token listing (its guard key) about these accounts? */
  static ownsCacheKey(key: string, who: CacheSubject): boolean {
    return key.startsWith('tokens:') && oneOf(key.slice('tokens:'.length), who.users);
  }

  constructor(private readonly o: PrivacyIdeaTokensOptions) {}

  async forget(who: CacheSubject): Promise<void> {
    await this.o.guard.forget((key) => PrivacyIdeaTokens.ownsCacheKey(key, who));
  }

  private fault(what: string, a: Extract<PiAnswer, { ok: false }>): { ok: false; reason: 'unavailable'; detail: string } {
    if (a.malformed) return this.malformed(`${what}: ${a.message}`);
    return this.unavailable(`${what}: ${a.code !== null ? `privacyIDEA error ${a.code}` : a.message}`);
  }

  /** Down, refused or timed out; or (`upstream.malformed`) an answer that is bad JSON or of the wrong shape. */
  private unavailable(detail: string, code: 'upstream.unavailable' | 'upstream.malformed' = 'upstream.unavailable'): { ok: false; reason: 'unavailable'; detail: string } {
    this.o.log.warn(code === 'upstream.malformed' ? 'privacyIDEA answered bad JSON' : 'privacyIDEA unavailable', { code, detail });
    return { ok: false, reason: 'unavailable', detail: `tokens: ${detail}` };
  }

  private malformed(detail: string) {
    return this.unavailable(detail, 'upstream.malformed');
  }

  /** A thrown error: a HelpdeskError keeps its code (a malformed POST /auth is bad JSON, not a refusal). */
  private thrown(err: unknown) {
    return isHelpdeskError(err, 'upstream.malformed') ? this.malformed(describeError(err)) : this.unavailable(describeError(err));
  }

  private async lookup(username: string, signal: AbortSignal): Promise<Upstream<Token[]>> {
    const q = new URLSearchParams({ user: username, realm: this.o.realm, type: 'totp', pagesize: '50' });
    const a = await this.o.api.call('GET', `/token/?${q}`, undefined, signal);
    // 904: privacyIDEA's UserError, "user does not exist" (lib/error.py).
    if (!a.ok) return a.code === 904 ? { ok: false, reason: 'not-found', detail: 'tokens: no such user' } : this.fault('GET /token/', a);
    const page = TokenPage.safeParse(a.value);
    if (!page.success) return this.malformed(`GET /token/: unexpected answer (${page.error.issues[0]?.path.join('.') ?? ''})`);
    const tokens = page.data.tokens.filter((t) => t.tokentype.toLowerCase() === 'totp').map(toToken);
    if (tokens.length) return { ok: true, value: tokens };
    const u = await this.o.api.call('GET', `/user/?${new URLSearchParams({ username, realm: this.o.realm })}`, undefined, signal);
    if (!u.ok) return u.code === 904 ? { ok: false, reason: 'not-found', detail: 'tokens: no such user' } : this.fault('GET /user/', u);
    const users = UserList.safeParse(u.value);
    if (!users.success) return this.malformed('GET /user/: unexpected answer');
    return users.data.length ? { ok: true, value: [] } : { ok: false, reason: 'not-found', detail: 'tokens: no such user' };
  }

  listTokens(username: string): Promise<Upstream<Token[]>> {
    return this.o.guard
      .run(`tokens:${username}`, (signal) => this.lookup(username, signal).catch((err: unknown) => this.thrown(err)), (r) => r.ok || r.reason === 'not-found')
      .catch((err: unknown) => this.thrown(err));
  }

  /**
   * otponly: the active token's serial, the code, otponly=1. A match uses the code up; the new
   * timeShift (read back) gives the offset in steps. Off: unsupported, the clock is measured otherwise.
   */
  async verifyCode(username: string, code: string): Promise<Upstream<VerifyAnswer>> {
    if (this.o.verify !== 'otponly') return { ok: false, reason: 'unsupported', detail: 'PRIVACYIDEA_VERIFY is off' };
    const listed = await this.listTokens(username);
    if (!listed.ok) return listed;
    const token = listed.value.find((t) => t.state === 'active');
    if (!token) return { ok: false, reason: 'not-found', detail: 'no active token to check the code against' };
    try {
      return await this.o.guard.run(undefined, async (signal): Promise<Upstream<VerifyAnswer>> => {
        const a = await this.o.api.call('POST', '/validate/check', { serial: token.id, pass: code, otponly: '1' }, signal);
        // 1007: the token is locked (revoked) and cannot be checked (lib/decorators.py check_token_locked).
        if (!a.ok && a.code === 1007) return { ok: false, reason: 'unsupported', detail: 'privacyIDEA: the token is locked (1007)' };
        if (!a.ok) return this.fault('POST /validate/check', a);
        if (a.value !== true) return { ok: true, value: { matched: false, offsetSteps: null, tokenId: token.id } };
        const q = new URLSearchParams({ serial: token.id });
        const after = await this.o.api.call('GET', `/token/?${q}`, undefined, signal);
        const page = after.ok ? TokenPage.safeParse(after.value) : undefined;
        const shift = page?.success ? num(page.data.tokens[0]?.info.timeShift) : undefined;
        const period = token.periodSeconds ?? 30;
        const offsetSteps = shift === undefined ? 0 : stepsOfTimeShift(shift, period);
        return { ok: true, value: { matched: true, offsetSteps, tokenId: token.id, consumed: true } };
      });
    } catch (err) {
      return this.thrown(err);
    } finally {
      // The token's last use and drift just changed: the next listing asks again.
      await this.o.guard.forget((key) => key === `tokens:${username}`);
    }
  }
}

/**
 * The device's offset in steps from privacyIDEA's timeShift (the start of the matched step minus the
 * server's now): (−period, 0] is this step, (−2·period, −period] one behind, (0, period] one ahead.
 * At a step's first second the shift is a whole multiple (−60 two behind, 0 this step), which
 * rounding put one step off.
 */
export function stepsOfTimeShift(shift: number, period: number): number {
  return -Math.floor(-shift / period) || 0;
}
