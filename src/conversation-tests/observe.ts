// What a conversation test can see after a turn: where the conversation stands (topic, what is
// asked, slots, findings, tickets), read from the stored snapshot and the tickets filed.
import type { Snapshot } from '../engine/snapshot.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { Ticket } from '../ports/tickets.ts';
import type { Asked } from './format.ts';

const INPUT_ASKED: Record<string, Asked> = { username: 'username', code: 'code', device_time: 'device_time', ip: 'location', text: 'description' };

export function askedOf(s: Snapshot, flows: FlowSet): { asked: Asked; key: string } {
  if (s.proofFor !== undefined) return { asked: 'proof_code', key: 'proof' };
  // "How can the support team reach you?", before an anonymous hand-over.
  if (s.reach === 'asking') return { asked: 'contact', key: 'reach' };
  if (s.status === 'menu') return { asked: 'menu', key: 'menu' };
  if (s.status !== 'active' || !s.flow || !s.step) return { asked: 'none', key: 'none' };
  const step = flows.get(s.flow)?.steps[s.step];
  const key = `${s.flow}/${s.step}`;
  if (step?.kind === 'input') return { asked: INPUT_ASKED[step.input] ?? 'none', key };
  if (step?.kind === 'ask') {
    const ids = Object.keys(step.choices);
    const yesNo = ids.every((id) => {
      const c = step.choices[id];
      return id === 'yes' || id === 'no' || (c !== undefined && typeof c !== 'string' && (c.intent === 'yes' || c.intent === 'no'));
    });
    return { asked: yesNo ? 'yes_no' : 'choice', key };
  }
  return { asked: 'none', key };
}

/** The slots in the test format's names. */
export function slotsOf(s: Snapshot): Record<string, unknown> {
  const sl = s.slots;
  const out: Record<string, unknown> = { lang: s.lang };
  const user = s.subject.user ?? sl.username?.v;
  if (user && !user.includes('@')) out.username = user;
  const email = s.subject.email ?? sl.email?.v ?? (user?.includes('@') ? user : undefined);
  if (email) out.email = email;
  out.codes = sl.codes?.n ?? 0;
  if (sl.deviceTime || s.measured) out.device_time = true;
  if (sl.platform) out.platform = sl.platform.v;
  if (sl.device) out.device = sl.device.v;
  if (sl.inSweden) out.in_sweden = sl.inSweden.v;
  if (sl.place) out.place = sl.place.v.toLowerCase();
  if (sl.registeredMinutesAgo) out.registered_minutes_ago = sl.registeredMinutesAgo.v;
  if (sl.wantsHuman) out.wants_human = sl.wantsHuman.v;
  return out;
}

export function slotMatches(name: string, want: unknown, got: unknown): boolean {
  if (name === 'registered_minutes_ago' && typeof want === 'number' && typeof got === 'number') return Math.abs(got - want) <= Math.abs(want) * 0.25;
  if (typeof want === 'string' && typeof got === 'string') return want.toLowerCase() === got.toLowerCase();
  return want === got;
}

/** Hand-over tickets (a follow-up adds to one and is not counted). */
export function handovers(filed: readonly Ticket[]): Ticket[] {
  return filed.filter((t) => !t.relatesTo);
}
