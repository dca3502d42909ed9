// What each check can answer, as plain data: the flow validator uses it to prove that every outcome
// of a check is handled, and that every `{check.<id>.<field>}` placeholder names real data.

import { CHECK_CODES, CHECK_IDS, type CheckId, type CheckVariant } from '../ports/checks.ts';

export { CHECK_CODES, CHECK_IDS, CHECK_VARIANTS, type CheckCode, type CheckId, type CheckResult, type CheckStatus, type CheckVariant } from '../ports/checks.ts';

/** Data fields a check always carries; flows may show them as `{check.<id>.<field>}`. */
export const CHECK_DATA_FIELDS = {
  account: ['username', 'status'],
  token: ['state', 'registeredAt', 'minutesSinceRegistration'],
  clock: ['offsetSeconds', 'reference', 'direction', 'amount'],
  code: ['offsetSteps'],
  network: ['ip', 'ptr', 'confirmedName', 'twoFactorRequired', 'reason'],
} as const satisfies Record<CheckId, readonly string[]>;

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
