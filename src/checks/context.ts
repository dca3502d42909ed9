// What a check is given: the person, what they typed, the ports it may use, and the thresholds.
import type { Lang } from '../i18n/index.ts';
import type { DnsPort } from '../ports/dns.ts';
import type { AttemptLimiter } from '../ports/limits.ts';
import type { AccountDirectory } from '../ports/account-directory.ts';
import type { TokenRegistry } from '../ports/token-registry.ts';
import type { Clock, ReferenceTime } from '../ports/time.ts';
import { catalogues } from '../i18n/index.ts';
import { withoutCredentials } from '../errors.ts';
import type { CheckCode, CheckId, CheckResult, CheckStatus } from '../ports/checks.ts';
import type { Cidr } from './ip.ts';

export interface CheckInput {
  user?: string;
  ip?: string;
  lang: Lang;
  /** What the person typed as their device's time, and when (host clock, ms) it arrived. */
  deviceTime?: { text: string; receivedAtMs: number; typed: boolean };
  /** The device clock as a browser measured it: device minus reference, with its error bound. */
  deviceMeasured?: { offsetMs: number; errorMs: number; atMs: number };
  code?: string;
  reusedAfterSeconds?: number;
  /** Offsets (in steps) of the codes checked earlier in this conversation, oldest first. */
  codeOffsets?: Array<number | null>;
  /** The person says the last old code was the one on their screen: its age alone measures the clock. */
  codeShown?: boolean;
}

export interface CheckSettings {
  clockDriftingSeconds: number;
  clockSkewedSeconds: number;
  codeValidSteps: number;
  codeSearchSteps: number;
  tokenPendingMinutes: number;
  tokenOverdueMinutes: number;
  typingDelaySeconds: number;
  exemptDomains: string[];
  exemptNetworks: Cidr[];
  codeChecksPerMinute: number;
}

export const DEFAULT_CHECK_SETTINGS: CheckSettings = {
  clockDriftingSeconds: 10,
  clockSkewedSeconds: 30,
  codeValidSteps: 1,
  codeSearchSteps: 10,
  tokenPendingMinutes: 15,
  tokenOverdueMinutes: 30,
  typingDelaySeconds: 4,
  exemptDomains: ['.se'],
  exemptNetworks: [],
  codeChecksPerMinute: 5,
};


export interface CheckDeps {
  /** Accounts: the Enrollment API, LDAP or the demo (ACCOUNTS_BACKEND). */
  accounts: AccountDirectory;
  /** Tokens: the Enrollment API, privacyIDEA, OpenLDAP's otp overlay or the demo (TOKENS_BACKEND). */
  tokens: TokenRegistry;
  reference: ReferenceTime;
  dns: DnsPort;
  clock: Clock;
  settings: CheckSettings;
  /** A few code checks per account per minute: a code oracle must not get around the login's own limits. */
  codeAttempts: AttemptLimiter;
}

export interface CheckOutput {
  result: CheckResult;
  /** Findings for other checks that this one could establish (a clock skew from two codes). */
  extra?: CheckResult[];
}

export function result(id: CheckId, code: CheckCode, status: CheckStatus, data: Record<string, unknown>, lang: Lang): CheckResult {
  // A reason is often an upstream library's error text, which may repeat a URL with its credentials.
  const safe = typeof data.reason === 'string' ? { ...data, reason: withoutCredentials(data.reason) } : data;
  return { id, status, code, summary: catalogues[lang].summary[code](safe), data: safe };
}
