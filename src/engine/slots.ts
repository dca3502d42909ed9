// What the person has told us, typed: each fact with where it came from (the turn and who read it:
// an extractor, a step's answer, the channel, a check) and when. Extractors read every message at
// every step, so a fact given early is never asked for again.
import { z } from 'zod';

import { DEVICE_STATES, PLATFORMS, type DeviceState, type Facts, type OutOfScope } from '../ports/understanding.ts';

export { DEVICE_STATES, OUT_OF_SCOPE, PLATFORMS } from '../ports/understanding.ts';
export type { DeviceState, OutOfScope };

/** `s`: the source, `t<turn>:<reader>` (t3:extract, t4:step, channel, check); `t`: when (ms). */
const slot = <T extends z.ZodType>(value: T) => z.object({ v: value, s: z.string().max(24), t: z.number() });

export const Slots = z.object({
  username: slot(z.string()).optional(),
  email: slot(z.string()).optional(),
  /** Codes typed: how many and when, never the digits. */
  codes: z.object({ n: z.number().int(), at: z.array(z.number()).max(5) }).optional(),
  /** The phone's time as typed ("14:32:05"), read at `t`. */
  deviceTime: slot(z.string().max(40)).optional(),
  platform: slot(z.enum(PLATFORMS)).optional(),
  device: slot(z.enum(DEVICE_STATES)).optional(),
  inSweden: slot(z.boolean()).optional(),
  place: slot(z.string().max(60)).optional(),
  registeredMinutesAgo: slot(z.number()).optional(),
  wantsHuman: slot(z.boolean()).optional(),
  /** Someone else registered a token / logged in: an urgent hand-over naming the account. */
  takeover: slot(z.boolean()).optional(),
  /** The person said the code they type is one they noted down (the first code of the setup). */
  codeNoted: slot(z.boolean()).optional(),
  /** The person said (or showed, by typing it again) that the old code is the one on their screen now. */
  codeShown: slot(z.boolean()).optional(),
  /** How the person's identity was proven (a channel's word or a mailed code). */
  proven: slot(z.string().max(24)).optional(),
  /** The ticket opened for this conversation: later text is a follow-up to it. */
  ticket: slot(z.string().max(40)).optional(),
});
export type Slots = z.infer<typeof Slots>;
export type SlotName = keyof Slots;

/** What an extractor found in one message (the understanding's `extractSlots`), the phone's time as typed. */
export type Extraction = Facts<string>;

type ValueSlot = Exclude<SlotName, 'codes'>;
type ValueOf<K extends ValueSlot> = NonNullable<Slots[K]>['v'];

export function setSlot<K extends ValueSlot>(slots: Slots, name: K, value: ValueOf<K>, source: string, now: number): void {
  (slots as Record<string, unknown>)[name] = { v: value, s: source, t: now };
}

export function slotValue<K extends ValueSlot>(slots: Slots, name: K): ValueOf<K> | undefined {
  return (slots[name] as { v: ValueOf<K> } | undefined)?.v;
}

export function countCode(slots: Slots, now: number): void {
  const c = slots.codes ?? { n: 0, at: [] };
  slots.codes = { n: c.n + 1, at: [...c.at, now].slice(-5) };
}

const FACTS = ['username', 'email', 'deviceTime', 'platform', 'device', 'inSweden', 'place', 'registeredMinutesAgo', 'wantsHuman', 'takeover'] as const;

/** Fills what the message said; returns the names of the slots it set or changed (a correction too). */
export function fillSlots(slots: Slots, found: Extraction, source: string, now: number): SlotName[] {
  const changed: SlotName[] = [];
  for (const name of FACTS) {
    const value = found[name];
    if (value === undefined) continue;
    if (slotValue(slots, name) !== value) changed.push(name);
    setSlot(slots, name, value as never, source, now);
  }
  for (let i = 0; i < found.codes; i++) countCode(slots, now);
  return changed;
}
