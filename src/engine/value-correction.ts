// A correction of a value other than the username ("sorry, I meant 198.51.100.20", "jag menade
// 10:03"): said with a correction cue (the phrase family `correction`), a new value for something a
// check already used. The value is replaced, what the checks found from the old one is dropped, the
// person is told what changed in one line, and the check runs again on the new value from the
// prompt that asked for it, in the topic at hand. The kind of phone said again differently ("it's an
// Android, not an iPhone") is taken, said back, and advice given for the old one is given for it.
// (The username's own correction is in hear-message.ts.)
import { parseDeviceTime } from '../checks/device-time.ts';
import type { CheckId } from '../ports/checks.ts';
import { parseIp } from '../understanding/input.ts';
import { setSlot, slotValue } from './slots.ts';
import { currentFlow, line, log, say, sys } from './say.ts';
import { enter, repeat, source } from './walk.ts';
import type { Turn } from './turn.ts';

interface Correctable {
  /** The prompt that asks for the value. */
  input: 'ip' | 'device_time';
  /** The check that used it: its finding is dropped, and it runs again. */
  check: CheckId;
  read: (text: string) => string | undefined;
  current: (t: Turn) => string | undefined;
  keep: (t: Turn, value: string) => void;
}

const IP_TOKEN = /(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}/gi;
const TIME_TOKEN = /\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\b/g;

const CORRECTABLE: readonly Correctable[] = [
  {
    input: 'ip',
    check: 'network',
    read: (text) => (text.match(IP_TOKEN) ?? []).map((w) => parseIp(w)).find((ip) => ip !== undefined),
    current: (t) => t.s.subject.ip,
    keep: (t, ip) => (t.s.subject.ip = ip),
  },
  {
    input: 'device_time',
    check: 'clock',
    read: (text) => (text.match(TIME_TOKEN) ?? []).find((w) => parseDeviceTime(w) !== undefined),
    current: (t) => slotValue(t.s.slots, 'deviceTime'),
    keep: (t, time) => setSlot(t.s.slots, 'deviceTime', time, source(t, 'correction'), t.env.now),
  },
];

export function valueCorrected(t: Turn, text: string): boolean {
  if (t.s.status === 'handed' || !t.env.understanding.says('correction', text)) return false;
  const flow = t.env.flows.get(t.s.flow ?? t.s.topic ?? '');
  if (!flow) return false;
  for (const c of CORRECTABLE) {
    // Only a value a check has used: before that, the prompt takes it as its answer.
    if (!t.s.findings.some((f) => f.id === c.check)) continue;
    const value = c.read(text);
    if (value === undefined || value === c.current(t)) continue;
    const prompt = Object.values(flow.steps).find((s) => s.kind === 'input' && s.input === c.input);
    if (prompt?.kind !== 'input') continue;
    log(t, 'u', text);
    c.keep(t, value);
    t.s.findings = t.s.findings.filter((f) => f.id !== c.check);
    say(t, 'value_corrected', { value });
    t.s.status = 'active';
    t.s.flow = flow.id;
    t.s.tries = {};
    enter(t, prompt.next);
    return true;
  }
  return false;
}

const PHONE_KEY = { ios: 'phone_ios', android: 'phone_android', other: 'phone_other' } as const;

/**
 * The kind of phone said again, differently from before ("sorry, it's an Android, not an iPhone",
 * "nej, en Samsung"): taken and said back in one line; advice already given that depends on the
 * phone (the clock's settings) is given again for this one; then the question waiting again.
 */
export function platformCorrected(t: Turn, text: string): boolean {
  const platform = slotValue(t.s.slots, 'platform');
  if (t.s.status === 'handed' || t.replaced.platform === undefined || !platform) return false;
  log(t, 'u', text);
  say(t, 'platform_corrected', { phone: sys(t, PHONE_KEY[platform]) });
  const flow = currentFlow(t) ?? t.env.flows.get(t.s.topic ?? '');
  const clock = t.s.findings.find((f) => f.id === 'clock' && (f.code === 'clock.skewed' || f.code === 'clock.drifting'));
  if (flow && clock) t.replies.push({ kind: 'text', text: line(t, flow, `advice.${clock.code}`) });
  repeat(t);
  return true;
}
