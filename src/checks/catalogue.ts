// The checks there are, one definition a check (src/checks/<id>.ts), and what they can answer as
// plain data: the flow validator uses it to prove that every outcome of a check is handled, and that
// every `{check.<id>.<field>}` placeholder names real data.
import type { CheckId, CheckVariant } from '../ports/checks.ts';
import type { CheckDefinition } from './define.ts';
import { account } from './account.ts';
import { token } from './token.ts';
import { clock } from './clock.ts';
import { code } from './code.ts';
import { network } from './network.ts';

export { CHECK_VARIANTS, type CheckCode, type CheckId, type CheckResult, type CheckStatus, type CheckVariant } from '../ports/checks.ts';

/** Every check, in the order a diagnostic report lists them. */
export const CHECKS = [account, token, clock, code, network] as const;

/** Each check id has its definition here, and nothing else is one (a definition left out does not compile). */
type Listed = (typeof CHECKS)[number]['id'];
const everyIdListed: [CheckId] extends [Listed] ? ([Listed] extends [CheckId] ? true : never) : never = true;
void everyIdListed;

export const CHECK_BY_ID = Object.fromEntries(CHECKS.map((c) => [c.id, c])) as { [K in CheckId]: Extract<(typeof CHECKS)[number], { id: K }> };

export const CHECK_IDS = CHECKS.map((c) => c.id) as [CheckId, ...CheckId[]];

export const CHECK_CODES = Object.fromEntries(CHECKS.map((c) => [c.id, c.codes])) as { [K in CheckId]: (typeof CHECK_BY_ID)[K]['codes'] };

/** Data fields a check always carries; flows may show them as `{check.<id>.<field>}`. */
export const CHECK_DATA_FIELDS = Object.fromEntries(CHECKS.map((c) => [c.id, c.fields])) as Record<CheckId, readonly string[]>;

/** A check definition whatever its id: what a runner takes (the built-in ones, and any given beside them). */
export type AnyCheck = CheckDefinition<string, string>;

export function variantOf(check: { code: string; data: Record<string, unknown> }): CheckVariant | undefined {
  if (check.code !== 'account.inactive') return undefined;
  if (check.data.status === 'locked') return 'account.inactive-locked';
  if (check.data.inactiveReason === 'nologin-shell') return 'account.inactive-nologin';
  if (check.data.status === 'expired') return 'account.inactive-expired';
  return undefined;
}

export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}

export function checkOf(code: string): CheckId | undefined {
  const prefix = code.split('.')[0] ?? '';
  return isCheckId(prefix) && (CHECK_CODES[prefix] as readonly string[]).includes(code) ? prefix : undefined;
}
