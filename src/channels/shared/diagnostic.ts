// The diagnostic request staff make on a chat platform: `who [ip]` as typed after the command, and
// the same target carried in a report's buttons (so "run again" and "open a ticket" need no state).
import type { InputParsers } from '../../ports/input.ts';
import type { StaffTarget } from '../../ports/staff-desk.ts';

export type ParsedTarget = { ok: true; target: StaffTarget } | { ok: false; problem: 'usage' | 'ip'; what?: string };

/** `who [ip]`; `who` may already be resolved (a Slack mention to the person's e-mail) by the caller. */
export function parseTarget(parse: InputParsers, who: string, ip: string | undefined): ParsedTarget {
  const user = parse.username(who);
  if (ip !== undefined && !parse.ip(ip)) return { ok: false, problem: 'ip', what: ip.slice(0, 60) };
  if (!user) return { ok: false, problem: 'usage' };
  const address = ip === undefined ? undefined : parse.ip(ip);
  return { ok: true, target: { who: user, ...(address ? { ip: address } : {}) } };
}

/** The target as a button's value (JSON; Discord base64url-encodes it into a custom id). */
export function encodeTarget(t: StaffTarget): string {
  return JSON.stringify({ u: t.who, ...(t.ip ? { ip: t.ip } : {}) });
}

/** A button's value back into a target; anything mangled or forged gives nothing. */
export function decodeTarget(parse: InputParsers, raw: string): StaffTarget | undefined {
  let value: { u?: unknown; ip?: unknown };
  try {
    value = JSON.parse(raw) as typeof value;
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const who = typeof value.u === 'string' ? parse.username(value.u) : undefined;
  const ip = typeof value.ip === 'string' ? parse.ip(value.ip) : undefined;
  return who ? { who, ...(ip ? { ip } : {}) } : undefined;
}
