// Is the person's device clock right? Measured against the shared reference (NTP when it answers,
// else this host), from a time the person typed, or from two codes that agree on an offset.
import type { CheckResult } from '../ports/checks.ts';
import type { CheckDeps, CheckInput, CheckOutput, CheckSettings } from './context.ts';
import { result } from './context.ts';
import { deviceOffsetSeconds, parseDeviceTime } from './device-time.ts';
import type { Lang } from '../i18n/index.ts';
import { z } from 'zod';
import { defineCheck } from './define.ts';

export function classifyClock(
  offsetSeconds: number,
  precision: number,
  reference: 'ntp' | 'host',
  source: string,
  settings: CheckSettings,
  lang: Lang,
): CheckResult {
  const rounded = Math.round(offsetSeconds);
  // Only what is certain counts against the device: a time typed to the minute is ±30 s anyway.
  const certain = Math.max(0, Math.abs(offsetSeconds) - Math.max(0, precision - 1));
  const data = {
    offsetSeconds: rounded,
    offsetMs: Math.round(offsetSeconds * 1000),
    reference,
    direction: rounded < 0 ? 'behind' : 'ahead',
    amount: Math.abs(rounded),
    source,
    precisionSeconds: precision,
  };
  if (certain >= settings.clockSkewedSeconds) return result('clock', 'clock.skewed', 'fail', data, lang);
  if (certain >= settings.clockDriftingSeconds) return result('clock', 'clock.drifting', 'warn', data, lang);
  return result('clock', 'clock.ok', 'pass', { ...data, amount: Math.max(Math.abs(rounded), precision) }, lang);
}

/** google-authenticator-libpam's rule: a skew estimated from codes counts only when two codes agree. */
export function agreedCodeOffset(offsets: Array<number | null>): number | undefined {
  const [a, b] = offsets.slice(-2);
  return a !== undefined && b !== undefined && a !== null && a === b ? a : undefined;
}

export async function clockCheck(deps: CheckDeps, input: CheckInput): Promise<CheckOutput> {
  const ref = deps.reference.now();
  const unmeasured = { offsetSeconds: null, reference: ref.reference, hostOffsetMs: ref.hostOffsetMs ?? null };
  if (input.deviceMeasured) {
    const m = input.deviceMeasured;
    return { result: classifyClock(m.offsetMs / 1000, Math.max(1, Math.ceil(m.errorMs / 1000)), ref.reference, 'browser', deps.settings, input.lang) };
  }
  if (input.deviceTime) {
    const device = parseDeviceTime(input.deviceTime.text);
    if (device) {
      // The person read the device a moment before the message arrived.
      const delayMs = input.deviceTime.typed ? deps.settings.typingDelaySeconds * 1000 : 0;
      const readAtRef = input.deviceTime.receivedAtMs - (ref.hostOffsetMs ?? 0) - delayMs;
      const { offset, precision } = deviceOffsetSeconds(device, readAtRef);
      return { result: classifyClock(offset, precision, ref.reference, device.kind === 'instant' ? 'stated' : 'typed', deps.settings, input.lang) };
    }
  }
  const agreed = agreedCodeOffset(input.codeOffsets ?? []);
  if (agreed !== undefined) {
    return { result: classifyClock(agreed * 30, 15, ref.reference, 'codes', deps.settings, input.lang) };
  }
  // One old code, said to be the one the app shows now: the phone's clock lags by the code's age.
  const shown = input.codeShown ? (input.codeOffsets ?? []).filter((o): o is number => o !== null).at(-1) : undefined;
  if (shown !== undefined && Math.abs(shown) > deps.settings.codeValidSteps) {
    return { result: classifyClock(shown * 30, 15, ref.reference, 'code-age', deps.settings, input.lang) };
  }
  return { result: result('clock', 'clock.unmeasured', 'unknown', unmeasured, input.lang) };
}

const CLOCK_CODES = ['clock.ok', 'clock.drifting', 'clock.skewed', 'clock.unmeasured'] as const;
declare module '../ports/checks.ts' {
  interface CheckKinds {
    clock: typeof CLOCK_CODES;
  }
}

export const ClockData = z.object({
  offsetSeconds: z.number().nullable(),
  offsetMs: z.number().optional(),
  reference: z.enum(['ntp', 'host']).nullable(),
  direction: z.enum(['behind', 'ahead']).optional(),
  amount: z.number().optional(),
  source: z.string().optional(),
  precisionSeconds: z.number().optional(),
  hostOffsetMs: z.number().nullish(),
  reason: z.string().optional(),
});

export const clock = defineCheck({
  id: 'clock',
  codes: CLOCK_CODES,
  data: ClockData,
  fields: ['offsetSeconds', 'reference', 'direction', 'amount'],
  // The reference is read from memory; only a typed time needs parsing.
  timeoutMs: 2_000,
  inReport: () => true,
  undecided: (input, reason) => ({ result: result('clock', 'clock.unmeasured', 'unknown', { offsetSeconds: null, reference: null, reason }, input.lang) }),
  run: clockCheck,
});
