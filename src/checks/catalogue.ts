// What each check can answer, as plain data: the flow validator uses it to prove that every outcome
// of a check is handled, and that every `{check.<id>.<field>}` placeholder names real data.

export const CHECK_IDS = ['account', 'token', 'clock', 'code', 'network'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_CODES = {
  account: ['account.found', 'account.missing', 'account.inactive', 'account.unavailable'],
  token: ['token.active', 'token.pending', 'token.pending-overdue', 'token.none', 'token.disabled', 'token.locked', 'token.unavailable'],
  clock: ['clock.ok', 'clock.drifting', 'clock.skewed', 'clock.unmeasured'],
  code: ['code.valid', 'code.stale', 'code.ahead', 'code.invalid', 'code.unverifiable'],
  network: [
    'network.exempt',
    'network.outside',
    'network.no-ptr',
    'network.mismatch',
    'network.private',
    'network.dns-error',
  ],
} as const satisfies Record<CheckId, readonly string[]>;

export type CheckCode = (typeof CHECK_CODES)[CheckId][number];

/** Data fields a check always carries; flows may show them as `{check.<id>.<field>}`. */
export const CHECK_DATA_FIELDS = {
  account: ['username', 'status'],
  token: ['state', 'registeredAt', 'minutesSinceRegistration'],
  clock: ['offsetSeconds', 'reference', 'direction', 'amount'],
  code: ['offsetSteps'],
  network: ['ip', 'ptr', 'confirmedName', 'twoFactorRequired', 'reason'],
} as const satisfies Record<CheckId, readonly string[]>;

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/**
 * Finer cases of one outcome that people are told differently (same code, so flows and reports do
 * not change): an account locked by the password policy, one whose login shell says no, one expired.
 */
export const CHECK_VARIANTS = ['account.inactive-locked', 'account.inactive-nologin', 'account.inactive-expired'] as const;
export type CheckVariant = (typeof CHECK_VARIANTS)[number];

export function variantOf(check: { code: string; data: Record<string, unknown> }): CheckVariant | undefined {
  if (check.code !== 'account.inactive') return undefined;
  if (check.data.status === 'locked') return 'account.inactive-locked';
  if (check.data.inactiveReason === 'nologin-shell') return 'account.inactive-nologin';
  if (check.data.status === 'expired') return 'account.inactive-expired';
  return undefined;
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  code: CheckCode;
  summary: string;
  data: Record<string, unknown>;
}

export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}

export function checkOf(code: string): CheckId | undefined {
  const prefix = code.split('.')[0] ?? '';
  return isCheckId(prefix) && (CHECK_CODES[prefix] as readonly string[]).includes(code) ? prefix : undefined;
}
