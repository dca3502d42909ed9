// Does the person have an account, and is it usable? A username or an e-mail address will do.
import type { Account } from '../ports/account-directory.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';
import { result } from './context.ts';
import { z } from 'zod';
import { defineCheck } from './define.ts';

export type AccountLookup =
  | { kind: 'found'; account: Account }
  | { kind: 'missing'; username: string }
  | { kind: 'unavailable'; username: string; detail: string };

export async function lookupAccount(deps: Pick<CheckDeps, 'accounts'>, who: string): Promise<AccountLookup> {
  if (who.includes('@')) {
    const r = await deps.accounts.findAccountsByEmail(who);
    if (!r.ok) return r.reason === 'not-found' ? { kind: 'missing', username: who } : { kind: 'unavailable', username: who, detail: r.detail };
    const preferred = r.value.find((a) => a.status === 'active') ?? r.value[0];
    return preferred ? { kind: 'found', account: preferred } : { kind: 'missing', username: who };
  }
  const r = await deps.accounts.getAccount(who);
  if (r.ok) return { kind: 'found', account: r.value };
  return r.reason === 'not-found' ? { kind: 'missing', username: who } : { kind: 'unavailable', username: who, detail: r.detail };
}

export async function accountCheck(deps: CheckDeps, input: CheckInput): Promise<CheckOutput> {
  const who = input.user ?? '';
  if (!who) return { result: result('account', 'account.unavailable', 'unknown', { username: null, status: null, reason: 'no username given' }, input.lang) };
  const found = await lookupAccount(deps, who);
  switch (found.kind) {
    case 'missing':
      return { result: result('account', 'account.missing', 'fail', { username: found.username, status: 'none' }, input.lang) };
    case 'unavailable':
      return { result: result('account', 'account.unavailable', 'unknown', { username: found.username, status: null, reason: found.detail }, input.lang) };
    case 'found': {
      const a = found.account;
      const data = { username: a.username, status: a.status, email: a.email, expiresAt: a.expiresAt ?? null, lockedAt: a.lockedAt ?? null, inactiveReason: a.inactiveReason ?? null };
      return a.status === 'active'
        ? { result: result('account', 'account.found', 'pass', data, input.lang) }
        : { result: result('account', 'account.inactive', 'fail', data, input.lang) };
    }
  }
}

const ACCOUNT_CODES = ['account.found', 'account.missing', 'account.inactive', 'account.unavailable'] as const;
declare module '../ports/checks.ts' {
  interface CheckKinds {
    account: typeof ACCOUNT_CODES;
  }
}

export const AccountData = z.object({
  username: z.string().nullable(),
  status: z.string().nullable(),
  email: z.string().nullish(),
  expiresAt: z.string().nullish(),
  lockedAt: z.string().nullish(),
  inactiveReason: z.string().nullish(),
  reason: z.string().optional(),
});

export const account = defineCheck({
  id: 'account',
  codes: ACCOUNT_CODES,
  data: AccountData,
  fields: ['username', 'status'],
  timeoutMs: 10_000,
  inReport: () => true,
  undecided: (input, reason) => ({ result: result('account', 'account.unavailable', 'unknown', { username: input.user ?? null, status: null, reason }, input.lang) }),
  run: accountCheck,
});
