// What a check answers, as plain data: its id, its status, one of its outcome codes (the diagnostic
// report's contract, docs/diagnostic-report.md), a summary and its data. Tickets carry these
// findings; the checks (src/checks/) produce them. A diagnostic report (`diagnose --json`) is a list of them.
import type { Lang } from './lang.ts';

/**
 * The checks there are, and the outcome codes each can answer. Each check declares itself in its own
 * file (src/checks/<id>.ts, `defineCheck`) and adds its entry here by module augmentation, so ids and
 * codes are derived from the definitions while ports, catalogues and channels import none of them:
 *   declare module '../ports/checks.ts' { interface CheckKinds { clock: typeof CLOCK_CODES } }
 */
export interface CheckKinds {}
export type CheckId = keyof CheckKinds & string;
export type CheckCode = { [K in CheckId]: CheckKinds[K] extends readonly (infer C)[] ? C & string : never }[CheckId];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/**
 * Finer cases of one outcome that people are told differently (same code, so flows and reports do
 * not change): an account locked by the password policy, one whose login shell says no, one expired.
 */
export const CHECK_VARIANTS = ['account.inactive-locked', 'account.inactive-nologin', 'account.inactive-expired'] as const;
export type CheckVariant = (typeof CHECK_VARIANTS)[number];

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  code: CheckCode;
  summary: string;
  data: Record<string, unknown>;
}

/** `diagnose --json`, and what staff commands on a platform render. */
export interface DiagnosticReport {
  version: 1;
  subject: { user: string; ip?: string };
  generatedAt: string;
  checks: CheckResult[];
  advice: Array<{ code: string; text: string }>;
}

export interface DiagnoseRequest {
  user: string;
  ip?: string;
  deviceTime?: string;
  /** When the device showed `deviceTime` (host ms): for `diagnose`, the moment the command was given. */
  deviceTimeAt?: number;
  code?: string;
  lang?: Lang;
}

/** A phone's clock measured against the server's: the offset (device minus reference) and its error. */
export interface DeviceClockMeasurement {
  offsetMs: number;
  errorMs: number;
  /** When it was measured (host ms). */
  atMs: number;
}

/**
 * The checks a person runs on their own computer or phone from a channel, outside a conversation's
 * turn: the network check for the asking address (the web's `/ip` for `curl`) and the clock check
 * of a phone's measurement.
 */
export interface SelfChecks {
  network(ip: string, lang: Lang): Promise<CheckResult>;
  clock(measured: DeviceClockMeasurement, lang: Lang): Promise<CheckResult>;
}
