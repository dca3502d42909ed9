// Stored conversations of an older format are upgraded on read, not set aside: a person in the
// middle of a conversation when a new version is deployed goes on where they were.
import { Snapshot, SNAPSHOT_VERSION } from './snapshot.ts';
import type { Slots } from './slots.ts';

type Raw = Record<string, unknown>;
type Vars = Record<string, string | number | boolean | null>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** v1 kept everything in an untyped `vars` bag; v2 has typed slots and a few named fields. */
function fromV1(raw: Raw): Raw {
  const vars: Vars = isObject(raw.vars) ? (raw.vars as Vars) : {};
  const at = typeof raw.updatedAt === 'number' ? raw.updatedAt : 0;
  const slots: Slots = {};
  const tries: Record<string, number> = {};
  if (typeof vars.deviceTime === 'string') slots.deviceTime = { v: vars.deviceTime, s: 'v1', t: Number(vars.deviceTimeAt ?? at) };
  if (typeof vars.ticket === 'string') slots.ticket = { v: vars.ticket, s: 'v1', t: at };
  const subject = isObject(raw.subject) ? raw.subject : {};
  if (typeof subject.user === 'string') slots.username = { v: subject.user, s: 'v1', t: at };
  if (typeof subject.identity === 'string' && subject.identity !== 'claimed') slots.proven = { v: subject.identity, s: 'v1', t: at };
  for (const [k, v] of Object.entries(vars)) if (k.startsWith('tries.') && typeof v === 'number') tries[k.slice(6)] = v;
  const { vars: _dropped, ...rest } = raw;
  return {
    ...rest,
    v: 2,
    // A v1 conversation that handed over is in the hand-over state now.
    status: raw.status === 'ended' && slots.ticket ? 'handed' : raw.status,
    slots,
    tries,
    ...(typeof vars.note === 'string' ? { note: vars.note } : {}),
    ...(typeof vars.proofFor === 'string' ? { proofFor: vars.proofFor } : {}),
    ...(typeof vars.sessionEpoch === 'number' ? { epoch: vars.sessionEpoch } : {}),
    ...(typeof vars.deviceOffsetMs === 'number'
      ? { measured: { offsetMs: vars.deviceOffsetMs, errorMs: Number(vars.deviceOffsetErrorMs ?? 0), at: Number(vars.deviceOffsetAt ?? at) } }
      : {}),
  };
}

const STEPS: Record<number, (raw: Raw) => Raw> = { 1: fromV1 };

/** Upgrades a stored snapshot step by step to today's version, then validates it. */
export function parseSnapshot(raw: unknown): ReturnType<typeof Snapshot.safeParse> {
  let s = raw;
  for (let guard = 0; isObject(s) && typeof s.v === 'number' && s.v < SNAPSHOT_VERSION && guard < 10; guard++) {
    const step = STEPS[s.v];
    if (!step) break;
    s = step(s);
  }
  return Snapshot.safeParse(s);
}
