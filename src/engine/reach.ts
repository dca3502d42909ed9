// How the support team can reach the person after a hand-over, and saying only that. A person with
// a proved address is answered there; before a hand-over for someone nobody knows (no account, no
// proved address: a stolen phone on the web page), the bot asks once: an e-mail address (kept as
// typed and marked not proved in the ticket) or "here in this chat". Every line that says how the
// answer comes is chosen here, from that and from what the configured ticket systems can do.
import type { SystemKey } from '../i18n/catalogue.ts';
import { redactCodes } from '../understanding/input.ts';
import type { EscalateRequest } from './events.ts';
import { USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import { log, menu, say, sys } from './say.ts';
import type { Turn } from './turn.ts';
import type { HandoverAbilities } from './env.ts';

/** The button for "answer me here in this chat". */
export const REACH_HERE_CHOICE = '_reach_here';
/** "Actually no" with at most this many words, at the question, takes the hand-over back. */
const CANCEL_WORDS = 6;
/** Words beyond a plain "here" are more about the problem: added to the ticket's description. */
const MORE_WORDS = 4;

/** How the channel or a proof vouches for the person; 'claimed' is only what they typed. */
export function isProven(identity: string | undefined): boolean {
  return identity !== undefined && identity !== 'claimed';
}

export const DEFAULT_ABILITIES: HandoverAbilities = { mails: true, status: false };

/** Nobody knows who this is or where to write: no account named, no proved address. */
function anonymous(s: Snapshot): boolean {
  return !s.subject.user && !(isProven(s.subject.identity) && s.subject.email);
}

/**
 * A new ticket, filed now; or, for a person staff could not reach, first the question how (once a
 * conversation): the ticket is held until it is answered. A follow-up always goes at once.
 */
export function fileHandover(t: Turn, request: EscalateRequest): void {
  // Asked already and not yet answered (the step shown again): the question, not a ticket.
  if (t.s.reach === 'asking' && !request.relatesTo) return askReach(t);
  if (request.relatesTo || t.s.reach !== undefined || !anonymous(t.s)) {
    t.effect = request;
    return;
  }
  t.s.reach = 'asking';
  t.s.heldHandover = { urgent: request.urgent, attach: request.attach };
  askReach(t);
}

export function askReach(t: Turn): void {
  t.replies.push({ kind: 'choices', prompt: sys(t, 'reach_ask'), choices: [{ id: REACH_HERE_CHOICE, label: sys(t, 'reach_here_label') }] });
  log(t, 'b', 'sys:reach_ask');
}

/** The answer to "how can staff reach you?": an address (not proved), here, or "actually no". */
export function reachAnswered(t: Turn, text: string | undefined): void {
  const held = t.s.heldHandover;
  delete t.s.heldHandover;
  if (text !== undefined) log(t, 'u', text);
  // The button pressed, as the person saw it (it answers no flow's question, so it has no choice reference).
  else log(t, 'u', `[${sys(t, 'reach_here_label')}]`);
  if (text !== undefined && t.env.understanding.says('cancel', text) && words(text) <= CANCEL_WORDS) {
    // Never asked again in this conversation: a later hand-over says there is no address.
    t.s.reach = 'none';
    delete t.s.note;
    say(t, 'handover_cancelled');
    return menu(t, 'menu_prompt');
  }
  const address = text === undefined ? undefined : t.env.understanding.facts(text, t.s.lang).email;
  if (address) {
    t.s.subject.email = address;
    t.s.subject.identity = 'claimed';
    t.s.reach = 'address';
  } else {
    t.s.reach = 'here';
    // "Here, and it started after I reset my phone": the rest is for the ticket.
    if (text !== undefined && words(text) > MORE_WORDS) t.s.note = [t.s.note, redactCodes(text).slice(0, USER_TEXT_LIMIT)].filter(Boolean).join('\n');
  }
  t.effect = { type: 'escalate', urgent: held?.urgent ?? false, attach: held?.attach ?? ['transcript', 'checks'] };
}

/** The sentence on how the answer comes, for this person and these ticket systems. */
export function reachKey(s: Snapshot, can: HandoverAbilities): SystemKey {
  if (isProven(s.subject.identity) && s.subject.email) return can.mails ? 'reach_email' : 'reach_email_kept';
  if (s.reach === 'address' && s.subject.email) return 'reach_unproven';
  if (s.reach === 'here' && can.status) return 'reach_here';
  return 'reach_none';
}

/** A line with `{reach}`: how the answer comes, said in it; the transcript keeps which (`sys:key:ticket:reach`). */
export function reachLine(t: Turn, key: SystemKey, ticket: string): { text: string; ref: string } {
  const how = reachKey(t.s, t.env.handover ?? DEFAULT_ABILITIES);
  const extra = { ticket, contact: t.s.subject.email ?? '' };
  return { text: sys(t, key, { ...extra, reach: sys(t, how, extra) }), ref: `sys:${key}:${ticket}:${how}` };
}

/** Says a line with `{reach}` (the closing line, the wait), once in a row. */
export function sayReach(t: Turn, key: SystemKey, ticket: string): void {
  const { text: whole, ref } = reachLine(t, key, ticket);
  // Asked again right after ("what happens now?", then "how long?"): the short form, not the paragraph twice.
  const said = [...t.s.transcript].reverse().find((l) => l[1] === 'b')?.[2];
  const text = key === 'handover_wait' && said === ref ? sys(t, 'handover_wait_again', { ticket }) : whole;
  const last = t.replies.at(-1);
  if (last?.kind === 'text' && last.text === text) return;
  t.replies.push({ kind: 'text', text });
  log(t, 'b', ref);
}

const words = (text: string) => text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;
