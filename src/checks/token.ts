// What state is the person's token in? The newest token that is not revoked decides.
import type { Token } from '../ports/token-registry.ts';
import { lookupAccount } from './account.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';
import { result } from './context.ts';
import { z } from 'zod';
import { defineCheck } from './define.ts';

export function decidingToken(tokens: Token[]): Token | undefined {
  return tokens
    .filter((t) => t.state !== 'revoked')
    .sort((a, b) => Date.parse(b.registeredAt) - Date.parse(a.registeredAt))[0];
}

export async function tokenCheck(deps: CheckDeps, input: CheckInput): Promise<CheckOutput> {
  const lang = input.lang;
  const none = { state: 'none', registeredAt: null, minutesSinceRegistration: null };
  let username = input.user ?? '';
  if (username.includes('@')) {
    const a = await lookupAccount(deps, username);
    if (a.kind === 'unavailable') return { result: result('token', 'token.unavailable', 'unknown', { ...none, state: null, reason: a.detail }, lang) };
    if (a.kind === 'missing') return { result: result('token', 'token.none', 'fail', none, lang) };
    username = a.account.username;
  }
  if (!username) return { result: result('token', 'token.unavailable', 'unknown', { ...none, state: null, reason: 'no username given' }, lang) };
  const r = await deps.tokens.listTokens(username);
  if (!r.ok) {
    if (r.reason === 'not-found') return { result: result('token', 'token.none', 'fail', none, lang) };
    return { result: result('token', 'token.unavailable', 'unknown', { ...none, state: null, reason: r.detail }, lang) };
  }
  const token = decidingToken(r.value);
  if (!token) return { result: result('token', 'token.none', 'fail', none, lang) };
  const minutes = Math.max(0, Math.floor((deps.clock.now() - Date.parse(token.registeredAt)) / 60000));
  const data = {
    state: token.state,
    registeredAt: token.registeredAt,
    minutesSinceRegistration: minutes,
    tokenId: token.id,
    activatedAt: token.activatedAt,
    failCount: token.failCount,
    // Where the back-end knows them: wrong codes allowed, and the clock offset it learned at the last good code.
    failLimit: token.failLimit ?? null,
    lastUsedAt: token.lastUsedAt,
    driftSeconds: token.driftSeconds ?? null,
  };
  switch (token.state) {
    case 'active':
      return { result: result('token', 'token.active', 'pass', data, lang) };
    case 'pending': {
      // When to try again (a pending token is usually active by tokenPendingMinutes), and when a
      // token still pending becomes a case for support (tokenOverdueMinutes).
      const timing = {
        tryInMinutes: Math.max(1, deps.settings.tokenPendingMinutes - minutes),
        overdueInMinutes: Math.max(0, deps.settings.tokenOverdueMinutes - minutes),
        overdueAfterMinutes: deps.settings.tokenOverdueMinutes,
      };
      return minutes >= deps.settings.tokenOverdueMinutes
        ? { result: result('token', 'token.pending-overdue', 'fail', { ...data, ...timing }, lang) }
        : { result: result('token', 'token.pending', 'warn', { ...data, ...timing }, lang) };
    }
    case 'locked':
      // Too many wrong codes: staff can reset the counter; the bot never does.
      return { result: result('token', 'token.locked', 'fail', data, lang) };
    default:
      return { result: result('token', 'token.disabled', 'fail', data, lang) };
  }
}

const TOKEN_CODES = ['token.active', 'token.pending', 'token.pending-overdue', 'token.none', 'token.disabled', 'token.locked', 'token.unavailable'] as const;
declare module '../ports/checks.ts' {
  interface CheckKinds {
    token: typeof TOKEN_CODES;
  }
}

export const TokenData = z.object({
  state: z.string().nullable(),
  registeredAt: z.string().nullable(),
  minutesSinceRegistration: z.number().nullable(),
  tokenId: z.string().optional(),
  activatedAt: z.string().nullish(),
  failCount: z.number().optional(),
  failLimit: z.number().nullish(),
  lastUsedAt: z.string().nullish(),
  driftSeconds: z.number().nullish(),
  tryInMinutes: z.number().optional(),
  overdueInMinutes: z.number().optional(),
  overdueAfterMinutes: z.number().optional(),
  reason: z.string().optional(),
});

export const token = defineCheck({
  id: 'token',
  codes: TOKEN_CODES,
  data: TokenData,
  fields: ['state', 'registeredAt', 'minutesSinceRegistration'],
  timeoutMs: 10_000,
  inReport: () => true,
  undecided: (input, reason) => ({
    result: result('token', 'token.unavailable', 'unknown', { state: null, registeredAt: null, minutesSinceRegistration: null, reason }, input.lang),
  }),
  run: tokenCheck,
});
