// The pure heart of the bot: (snapshot, event) -> (snapshot, replies, effect). No I/O, no clock of
// its own (`env.now`), so every conversation can be replayed in a test without waiting. This file
// routes events; steps.ts walks flows, answers.ts reads messages, wording.ts says things.
import type { CheckResult } from '../checks/catalogue.ts';
import type { Lang, SystemKey } from '../i18n/catalogue.ts';
import type { Reply } from './replies.ts';
import type { Effect, EngineEvent } from './events.ts';
import type { Snapshot } from './snapshot.ts';
import { setSlot, slotValue } from './slots.ts';
import { Answers } from './answers.ts';
import type { EngineEnv } from './env.ts';

export interface TransitionResult {
  snapshot: Snapshot;
  replies: Reply[];
  effect?: Effect;
}

/**
 * How long the fingerprint of a typed code is kept: long enough to notice the same code typed again
 * in this conversation; a code from days ago is recognised by its time offset instead.
 */
export const CODE_FINGERPRINT_MS = 10 * 60_000;

class Turn extends Answers {
  onChecked(result: CheckResult, extra: CheckResult[] = []): void {
    const step = this.currentStep();
    for (const r of [result, ...extra]) {
      this.s.findings = this.s.findings.filter((f) => f.id !== r.id);
      this.s.findings.push({ id: r.id, status: r.status, code: r.code, data: r.data, at: this.env.now });
      this.replies.push({ kind: 'finding', check: r.id, status: r.status, code: r.code, text: r.summary });
      this.log('b', `chk:${r.code}`);
    }
    if (result.id === 'account' && typeof result.data.username === 'string' && result.code !== 'account.missing') {
      this.s.subject.user = result.data.username;
    }
    if (result.id === 'code') {
      const last = this.s.codes.at(-1);
      if (last) last.off = typeof result.data.offsetSteps === 'number' ? result.data.offsetSteps : null;
    }
    if (step?.kind !== 'check' || step.check !== result.id) return this.repeat();
    // A code that matches nothing, said to be one noted down earlier: the reuse explains the miss.
    const noted = result.code === 'code.invalid' && step.noted && slotValue(this.s.slots, 'codeNoted');
    const target = noted ? step.noted : (step.on[result.code] ?? step.on.else);
    this.enter(target ?? 'end');
  }

  onProven(user: string, how: string, email?: string): void {
    this.s.subject.user = user;
    this.s.subject.identity = how;
    if (email) this.s.subject.email = email;
    setSlot(this.s.slots, 'proven', how.slice(0, 24), this.source('proof'), this.env.now);
    delete this.s.proofFor;
    this.say('proven', { user });
    const step = this.currentStep();
    if (this.s.status === 'active' && step?.kind === 'input' && step.input === 'username') return this.enter(step.next);
    this.repeat();
  }

  onProofFailed(reason: 'wrong' | 'expired' | 'none' | 'locked'): void {
    // 'none' reads as 'wrong': no reply may tell whether a code was ever mailed.
    if (reason === 'expired' || reason === 'locked') delete this.s.proofFor;
    this.say(reason === 'expired' ? 'proof_expired' : reason === 'locked' ? 'proof_locked' : 'proof_wrong');
    this.repeat();
  }

  onWatched(created: boolean): void {
    this.say(created ? 'watch_started' : 'watch_already');
    const step = this.currentStep();
    if (this.s.status === 'active' && step?.kind === 'watch') return this.enter(step.next);
  }

  onUnwatched(count: number): void {
    this.say(count ? 'watch_stopped' : 'watch_none');
    if (this.s.status === 'active') this.repeat();
  }

  onDeviceClock(offsetMs: number, errorMs: number): void {
    this.s.measured = { offsetMs: Math.round(offsetMs), errorMs: Math.round(errorMs), at: this.env.now };
    this.log('u', '[clock measured by the phone]');
    const step = this.currentStep();
    if (this.s.status === 'active' && step?.kind === 'input' && step.input === 'device_time') return this.enter(step.next);
    // Not asked for right now: kept for the next clock check, and the person is told where we are.
    this.repeat();
  }

  onEscalated(ticket: string | null, followUp: boolean): void {
    if (followUp && ticket) {
      this.say('followup_added', { ticket });
      this.s.status = 'handed';
      return;
    }
    const step = this.currentStep();
    const urgent = step?.kind === 'escalate' && step.urgent;
    const key: SystemKey = ticket ? (urgent ? 'escalated_urgent' : 'escalated') : 'escalation_failed';
    this.replies.push({ kind: 'handover', ticket, urgent, text: this.sys(key, { ticket }) });
    this.log('b', `sys:${key}${ticket ? `:${ticket}` : ''}`);
    // The topic stays what it was (the ticket is about it); nothing more is asked in it.
    this.s.step = null;
    // The hand-over is a state: later text is about this ticket (a follow-up), the wait, or a close.
    if (ticket) {
      setSlot(this.s.slots, 'ticket', ticket.slice(0, 40), this.source('handover'), this.env.now);
      this.s.status = 'handed';
    } else {
      this.s.status = 'ended';
      this.s.flow = null;
    }
  }

  /** The start of a conversation: the greeting and the topics; in the client's language when given. */
  start(lang?: Lang): void {
    if (lang && !this.s.langFixed && !this.s.langHeard) {
      this.s.lang = lang;
      this.say('greeting');
      return this.menu('menu_prompt');
    }
    this.greet();
    this.menu('menu_prompt');
  }
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
  start: (t, e) => t.start(e.lang),
  resume: (t) => {
    t.say('welcome_back');
    t.repeat();
  },
  repeat: (t) => t.repeat(),
  text: (t, e) => t.onText(e.text),
  choice: (t, e) => t.choose(e.id),
  topic: (t, e) => t.startFlow(e.flow),
  checked: (t, e) => t.onChecked(e.result, e.extra),
  escalated: (t, e) => t.onEscalated(e.ticket, e.followUp ?? false),
  'proof-sent': (t) => t.say('proof_sent'),
  proven: (t, e) => t.onProven(e.user, e.how, e.email),
  'proof-failed': (t, e) => t.onProofFailed(e.reason),
  watched: (t, e) => t.onWatched(e.created),
  unwatched: (t, e) => t.onUnwatched(e.count),
  // A notice from the watcher: said once, wherever the conversation stands.
  'watch-fired': (t, e) => t.say(e.what === 'active' ? 'watch_active' : 'watch_overdue', { ticket: e.ticket ?? '' }),
  'device-clock': (t, e) => t.onDeviceClock(e.offsetMs, e.errorMs),
};

function apply(turn: Turn, event: EngineEvent): void {
  (HANDLERS[event.type] as (turn: Turn, event: EngineEvent) => void)(turn, event);
}

export function transition(env: EngineEnv, snapshot: Snapshot, event: EngineEvent): TransitionResult {
  const s = cloneSnapshot(snapshot);
  const turn = new Turn(env, s);
  apply(turn, event);
  s.updatedAt = env.now;
  if (s.codes.some((c) => env.now - c.at > CODE_FINGERPRINT_MS)) s.codes = s.codes.filter((c) => env.now - c.at <= CODE_FINGERPRINT_MS);
  return { snapshot: s, replies: turn.replies, ...(turn.effect ? { effect: turn.effect } : {}) };
}
