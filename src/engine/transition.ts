// The pure heart of the bot: (snapshot, event) -> (snapshot, replies, effect). No I/O, no clock of
// its own (`env.now`), so every conversation can be replayed in a test without waiting. This file
// routes events through a table of handlers; walk.ts walks flows, message.ts reads messages,
// say.ts says things, all of them plain functions over the turn's state (turn.ts).
import { decideOutcome, feedbackChoice } from './outcome.ts';
import { CHECK_BY_ID, type CheckResult } from '../checks/catalogue.ts';
import { fieldOf } from '../checks/define.ts';
import type { Lang, SystemKey } from '../i18n/catalogue.ts';
import type { Reply } from './replies.ts';
import type { Effect, EngineEvent } from './events.ts';
import type { Snapshot } from './snapshot.ts';
import type { FindingFacts } from '../ports/conversations.ts';
import type { Meaning } from '../ports/understanding.ts';
import type { TicketState } from '../ports/tickets.ts';
import type { Extraction } from './slots.ts';
import { setSlot, slotValue } from './slots.ts';
import { onText } from './message.ts';
import { choose, currentStep, enter, repeat, source, startFlow } from './walk.ts';
import { currentFlow, greet, log, menu, say, sys } from './say.ts';
import { newTurn, type Turn } from './turn.ts';
import { reachLine, sayReach } from './reach.ts';
import type { EngineEnv } from './env.ts';

export interface TransitionResult {
  snapshot: Snapshot;
  replies: Reply[];
  effect?: Effect;
  /** For a message: what it meant and the facts it gave (as `understand` reports them). */
  understood?: { meaning: Meaning; facts: Extraction };
}

/**
 * How long the fingerprint of a typed code is kept: long enough to notice the same code typed again
 * in this conversation; a code from days ago is recognised by its time offset instead.
 */
export const CODE_FINGERPRINT_MS = 10 * 60_000;

/** The figures of a check's data that a channel may draw, when the check measured them. */
function findingFacts(r: CheckResult): { facts?: FindingFacts } {
  const facts: FindingFacts = {};
  const offsetSeconds = r.id === 'clock' ? fieldOf(CHECK_BY_ID.clock, r, 'offsetSeconds') : undefined;
  if (offsetSeconds != null) facts.offsetSeconds = offsetSeconds;
  const minutes = r.id === 'token' ? fieldOf(CHECK_BY_ID.token, r, 'minutesSinceRegistration') : undefined;
  if (minutes != null) facts.minutesSinceRegistration = minutes;
  return Object.keys(facts).length ? { facts } : {};
}

function onChecked(t: Turn, result: CheckResult, extra: CheckResult[] = []): void {
  const step = currentStep(t);
  for (const r of [result, ...extra]) {
    // Found a moment ago by another check in this turn (a clock from two codes): not said twice.
    const said = t.s.findings.some((f) => f.id === r.id && f.code === r.code && t.env.now - f.at < 10_000 && f.data.offsetSeconds === r.data.offsetSeconds);
    t.s.findings = t.s.findings.filter((f) => f.id !== r.id);
    t.s.findings.push({ id: r.id, status: r.status, code: r.code, data: r.data, at: t.env.now });
    if (said) continue;
    t.replies.push({ kind: 'finding', check: r.id, status: r.status, code: r.code, text: r.summary, ...findingFacts(r) });
    log(t, 'b', `chk:${r.code}`);
  }
  const username = result.id === 'account' && result.code !== 'account.missing' ? fieldOf(CHECK_BY_ID.account, result, 'username') : undefined;
  if (username != null) t.s.subject.user = username;
  if (result.id === 'code') {
    const last = t.s.codes.at(-1);
    if (last) last.off = fieldOf(CHECK_BY_ID.code, result, 'offsetSteps') ?? null;
  }
  // After a hand-over, a code typed now was checked: what it found goes to the same ticket.
  if (t.s.status === 'handed') {
    const open = slotValue(t.s.slots, 'ticket');
    if (open) t.effect = { type: 'escalate', urgent: false, attach: ['transcript', 'checks'], relatesTo: open };
    return;
  }
  // The facts a question waited for are in: the question again, where they may lead elsewhere.
  if (t.s.lead !== undefined) {
    const waiting = t.s.lead;
    delete t.s.lead;
    if (t.s.status === 'active' && currentFlow(t)?.steps[waiting]) return enter(t, waiting);
  }
  if (step?.kind !== 'check' || step.check !== result.id) return repeat(t);
  // A code that matches nothing, said to be one noted down earlier: the reuse explains the miss.
  const noted = result.code === 'code.invalid' && step.noted && slotValue(t.s.slots, 'codeNoted');
  if (step.slow && slowByAge(t, result)) {
    setSlot(t.s.slots, 'codeShown', true, source(t, 'check'), t.env.now);
    return enter(t, step.slow);
  }
  const target = noted ? step.noted : (step.on[result.code] ?? step.on.else);
  enter(t, target ?? 'end');
}

/** Steps behind from which a code typed as the current one says the phone is slow, and up to which it is no noted-down code. */
const SLOW_STEPS = { from: 2, to: 6 };

/**
 * A code 60–180 s old typed where the code the app shows now was asked for, not said to be one
 * noted down: the app shows an old code because the phone's clock lags by that much.
 */
function slowByAge(t: Turn, result: CheckResult): boolean {
  const off = result.code === 'code.stale' ? fieldOf(CHECK_BY_ID.code, result, 'offsetSteps') : undefined;
  if (off == null || slotValue(t.s.slots, 'codeNoted')) return false;
  return -off >= SLOW_STEPS.from && -off <= SLOW_STEPS.to;
}

function onProven(t: Turn, user: string, how: string, email?: string): void {
  t.s.subject.user = user;
  t.s.subject.identity = how;
  if (email) t.s.subject.email = email;
  setSlot(t.s.slots, 'proven', how.slice(0, 24), source(t, 'proof'), t.env.now);
  delete t.s.proofFor;
  say(t, 'proven', { user });
  const step = currentStep(t);
  if (t.s.status === 'active' && step?.kind === 'input' && step.input === 'username') return enter(t, step.next);
  // Proven now: a question that waits for the account's facts looks them up first.
  if (t.s.status === 'active' && step?.kind === 'ask' && step.facts && t.s.step) return enter(t, t.s.step);
  repeat(t);
}

function onProofFailed(t: Turn, reason: 'wrong' | 'expired' | 'none' | 'locked'): void {
  // 'none' reads as 'wrong': no reply may tell whether a code was ever mailed.
  if (reason === 'expired' || reason === 'locked') delete t.s.proofFor;
  say(t, reason === 'expired' ? 'proof_expired' : reason === 'locked' ? 'proof_locked' : 'proof_wrong');
  repeat(t);
}

function onWatched(t: Turn, created: boolean): void {
  say(t, created ? 'watch_started' : 'watch_already');
  const step = currentStep(t);
  if (t.s.status === 'active' && step?.kind === 'watch') return enter(t, step.next);
}

function onUnwatched(t: Turn, count: number): void {
  say(t, count ? 'watch_stopped' : 'watch_none');
  if (t.s.status === 'active') repeat(t);
}

function onDeviceClock(t: Turn, offsetMs: number, errorMs: number): void {
  t.s.measured = { offsetMs: Math.round(offsetMs), errorMs: Math.round(errorMs), at: t.env.now };
  log(t, 'u', '[clock measured by the phone]');
  const step = currentStep(t);
  if (t.s.status === 'active' && step?.kind === 'input' && step.input === 'device_time') return enter(t, step.next);
  // Not asked for right now: kept for the next clock check, and the person is told where we are.
  repeat(t);
}

function onEscalated(t: Turn, ticket: string | null, followUp: boolean, solved: boolean): void {
  if (followUp && ticket && solved) {
    // Solved by the person: staff are told on the same ticket, and nothing more is asked.
    say(t, 'handover_solved', { ticket });
    t.s.status = 'ended';
    t.s.flow = null;
    t.s.step = null;
    return;
  }
  if (followUp && ticket) {
    say(t, 'followup_added', { ticket });
    t.s.status = 'handed';
    return;
  }
  const step = currentStep(t);
  const urgent = step?.kind === 'escalate' && step.urgent;
  // How the answer comes ("by e-mail" only when a mail will reach them): reach.ts.
  const said = ticket ? reachLine(t, urgent ? 'escalated_urgent' : 'escalated', ticket) : { text: sys(t, 'escalation_failed'), ref: 'sys:escalation_failed' };
  t.replies.push({ kind: 'handover', ticket, urgent, text: said.text });
  log(t, 'b', said.ref);
  // The topic stays what it was (the ticket is about it); nothing more is asked in it.
  t.s.step = null;
  // The hand-over is a state: later text is about this ticket (a follow-up), the wait, or a close.
  if (ticket) {
    setSlot(t.s.slots, 'ticket', ticket.slice(0, 40), source(t, 'handover'), t.env.now);
    t.s.status = 'handed';
  } else {
    t.s.status = 'ended';
    t.s.flow = null;
  }
}

/** "Any news?": one line on where the case stands, or, when no ticket system can tell, when to expect an answer. */
function onTicketStatus(t: Turn, ticket: string, state: TicketState | null): void {
  if (state) return say(t, TICKET_STATE_LINE[state], { ticket });
  sayReach(t, 'handover_wait', ticket);
}

const TICKET_STATE_LINE: Record<TicketState, SystemKey> = {
  new: 'ticket_status_new',
  open: 'ticket_status_open',
  waiting: 'ticket_status_waiting',
  resolved: 'ticket_status_resolved',
  closed: 'ticket_status_resolved',
};

/** The start of a conversation: the greeting and the topics; in the client's language when given. */
function start(t: Turn, lang?: Lang): void {
  if (lang && !t.s.langFixed && !t.s.langHeard) {
    t.s.lang = lang;
    say(t, 'greeting');
    return menu(t, 'menu_prompt');
  }
  greet(t);
  menu(t, 'menu_prompt');
}

/** Copies what a turn may change; findings and transcript entries are replaced, never edited. */
function cloneSnapshot(s: Snapshot): Snapshot {
  return {
    ...s,
    subject: { ...s.subject },
    slots: { ...s.slots },
    tries: { ...s.tries },
    findings: [...s.findings],
    codes: s.codes.map((c) => ({ ...c })),
    transcript: [...s.transcript],
  };
}

type Handlers = { [K in EngineEvent['type']]: (turn: Turn, event: Extract<EngineEvent, { type: K }>) => void };

/** What each event does to a turn: one line an event. */
const HANDLERS: Handlers = {
  start: (t, e) => start(t, e.lang),
  resume: (t) => {
    say(t, 'welcome_back');
    repeat(t);
  },
  repeat: (t) => repeat(t),
  text: (t, e) => onText(t, e.text),
  choice: (t, e) => {
    if (!feedbackChoice(t, e.id)) choose(t, e.id);
  },
  topic: (t, e) => {
    // A topic instead of an answer to "how can they reach you?": the held hand-over is dropped.
    if (t.s.reach === 'asking') {
      t.s.reach = 'none';
      delete t.s.heldHandover;
    }
    startFlow(t, e.flow);
  },
  checked: (t, e) => onChecked(t, e.result, e.extra),
  escalated: (t, e) => onEscalated(t, e.ticket, e.followUp ?? false, e.solved ?? false),
  'proof-sent': (t) => say(t, 'proof_sent'),
  proven: (t, e) => onProven(t, e.user, e.how, e.email),
  'proof-failed': (t, e) => onProofFailed(t, e.reason),
  watched: (t, e) => onWatched(t, e.created),
  unwatched: (t, e) => onUnwatched(t, e.count),
  // A notice from the watcher: said once, wherever the conversation stands.
  'watch-fired': (t, e) => say(t, e.what === 'active' ? 'watch_active' : 'watch_overdue', { ticket: e.ticket ?? '' }),
  'device-clock': (t, e) => onDeviceClock(t, e.offsetMs, e.errorMs),
  'ticket-status': (t, e) => onTicketStatus(t, e.reference, e.state),
};

function apply(turn: Turn, event: EngineEvent): void {
  (HANDLERS[event.type] as (turn: Turn, event: EngineEvent) => void)(turn, event);
}

export function transition(env: EngineEnv, snapshot: Snapshot, event: EngineEvent): TransitionResult {
  const s = cloneSnapshot(snapshot);
  const turn = newTurn(env, s);
  apply(turn, event);
  decideOutcome(turn, snapshot, event);
  s.updatedAt = env.now;
  if (s.codes.some((c) => env.now - c.at > CODE_FINGERPRINT_MS)) s.codes = s.codes.filter((c) => env.now - c.at <= CODE_FINGERPRINT_MS);
  return { snapshot: s, replies: turn.replies, ...(turn.effect ? { effect: turn.effect } : {}), ...(turn.meaning ? { understood: { meaning: turn.meaning, facts: turn.facts } } : {}) };
}

export { HUMAN_CHOICE, MENU_CHOICE, isProven } from './walk.ts';
export type { EngineEnv } from './env.ts';
export type { CheckRequest, ConfirmProofRequest, Effect, EngineEvent, EscalateRequest, ProofRequest, TicketStatusRequest, WatchRequest } from './events.ts';
