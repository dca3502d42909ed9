// The pure heart of the bot: (snapshot, event) -> (snapshot, replies, effect). No I/O, no clock of
// its own (`env.now`), so every conversation can be replayed in a test without waiting.
import { createHmac } from 'node:crypto';
import type { CheckResult } from '../checks/catalogue.ts';
import { parseDeviceTime } from '../checks/device-time.ts';
import { catalogues, render, type Lang } from '../i18n/index.ts';
import { formatMinutes } from '../i18n/catalogue.ts';
import type { SystemKey } from '../i18n/catalogue.ts';
import { cleanInput, parseCode, parseIp, parseProofCode, parseUsername, redactCodes, withoutSecrets } from './input.ts';
import { messageTemplate } from './messages.ts';
import type { Choice, Reply } from './replies.ts';
import { interpret, type Interpretation } from './interpret.ts';
import type { CheckRequest, Effect, EngineEvent } from './events.ts';
import type { Understanding } from '../ports/understanding.ts';
import { END, type Flow, type FlowSet, type MessageRef, type Step } from './schema.ts';
import { TRANSCRIPT_LIMIT, USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import { HANDOVER_FLOW } from './validate.ts';
import type { CentreWords } from './words.ts';

export interface EngineEnv {
  flows: FlowSet;
  words: CentreWords;
  now: number;
  /** Key for the fingerprints of typed codes (so a reused code is noticed without keeping it). */
  codeKey: string;
  /**
   * The channel cannot vouch for who this is (web, Discord): a typed username is only used after
   * the person proves it through a link sent to the account's e-mail address.
   */
  requireProof?: boolean;
  /** What free text means (trained from the flows' examples). */
  understanding: Understanding;
}

/** How the channel or a proof vouches for the person; 'claimed' is only what they typed. */
export function isProven(identity: string | undefined): boolean {
  return identity !== undefined && identity !== 'claimed';
}

export type { CheckRequest, ConfirmProofRequest, Effect, EngineEvent, EscalateRequest, ProofRequest, WatchRequest } from './events.ts';

export interface TransitionResult {
  snapshot: Snapshot;
  replies: Reply[];
  effect?: Effect;
}

export const MENU_CHOICE = '_menu';
/**
 * How long the fingerprint of a typed code is kept: long enough to notice the same code typed again
 * in this conversation; a code from days ago is recognised by its time offset instead.
 */
export const CODE_FINGERPRINT_MS = 10 * 60_000;
export const HUMAN_CHOICE = '_human';

const DURATIONS: Array<[string, string]> = [
  ['check.token.since', 'check.token.minutesSinceRegistration'],
  ['check.token.tryIn', 'check.token.tryInMinutes'],
  ['check.token.overdueIn', 'check.token.overdueInMinutes'],
];

const topicCache = new WeakMap<FlowSet, Record<Lang, Choice[]>>();

function topicsOf(flows: FlowSet, lang: Lang): Choice[] {
  let cached = topicCache.get(flows);
  if (!cached) {
    const sorted = [...flows.values()].filter((f) => f.topic).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    cached = {
      en: sorted.map((f) => ({ id: f.id, label: f.title.en })),
      sv: sorted.map((f) => ({ id: f.id, label: f.title.sv })),
    };
    topicCache.set(flows, cached);
  }
  return cached[lang];
}

class Turn {
  readonly replies: Reply[] = [];
  effect?: Effect;

  constructor(
    readonly env: EngineEnv,
    readonly s: Snapshot,
  ) {}

  get lang(): Lang {
    return this.s.lang;
  }

  private cachedVars?: { user: string; findings: Snapshot['findings']; lang: Lang; values: Record<string, unknown> };

  /** Placeholder values; rebuilt only when the person or the findings change. */
  vars(extra?: Record<string, unknown>): Record<string, unknown> {
    const user = this.s.subject.user ?? '';
    if (!this.cachedVars || this.cachedVars.user !== user || this.cachedVars.findings !== this.s.findings || this.cachedVars.lang !== this.lang) {
      const values: Record<string, unknown> = { ...this.env.words, user };
      for (const f of this.s.findings) for (const [k, val] of Object.entries(f.data)) values[`check.${f.id}.${k}`] = val;
      // Durations in words, in the conversation's language.
      for (const [name, field] of DURATIONS) {
        const v = values[field];
        if (typeof v === 'number') values[name] = formatMinutes(v, this.lang);
      }
      this.cachedVars = { user, findings: this.s.findings, lang: this.lang, values };
    }
    return extra ? { ...this.cachedVars.values, ...extra } : this.cachedVars.values;
  }

  sys(key: SystemKey, extra: Record<string, unknown> = {}): string {
    return render(catalogues[this.lang].system[key], this.vars(extra));
  }

  /** The first greeting: in the person's language when the channel knows it, else in both. */
  greet(): void {
    if (this.s.langFixed) return this.say('greeting');
    const other: Lang = this.lang === 'en' ? 'sv' : 'en';
    this.replies.push({ kind: 'text', text: `${this.sys('greeting')}\n${render(catalogues[other].system.greeting, this.vars())}` });
    this.log('b', 'sys:greeting');
  }

  log(who: 'u' | 'b', text: string): void {
    const t = this.s.transcript;
    // What a person writes may hold a code, typed anywhere: it never reaches a transcript or a ticket.
    t.push([Math.round((this.env.now - this.s.startedAt) / 1000), who, who === 'u' ? redactCodes(text) : text]);
    if (t.length > TRANSCRIPT_LIMIT) t.splice(0, t.length - TRANSCRIPT_LIMIT);
  }

  say(key: SystemKey, extra: Record<string, unknown> = {}, notice = false): void {
    this.replies.push({ kind: 'text', text: this.sys(key, extra), ...(notice ? { notice } : {}) });
    this.log('b', `sys:${key}`);
  }

  flow(): Flow | undefined {
    return this.s.flow ? this.env.flows.get(this.s.flow) : undefined;
  }

  text(flow: Flow, ref: MessageRef): string {
    return render(messageTemplate(flow, ref, this.lang) ?? String(ref), this.vars());
  }

  topics(): Choice[] {
    return topicsOf(this.env.flows, this.lang);
  }

  menu(promptKey: SystemKey): void {
    this.s.status = 'menu';
    this.s.flow = null;
    this.s.step = null;
    this.replies.push({ kind: 'choices', prompt: this.sys(promptKey), choices: this.topics() });
    this.log('b', `sys:${promptKey}`);
  }

  startFlow(flowId: string): void {
    const flow = this.env.flows.get(flowId);
    if (!flow) {
      this.menu('not_understood');
      return;
    }
    this.s.status = 'active';
    this.s.flow = flow.id;
    this.s.vars = {};
    this.replies.push({ kind: 'text', text: flow.title[this.lang], topic: true });
    this.log('b', `flow:${flow.id}`);
    this.enter(flow.start);
  }

  end(): void {
    this.s.status = 'ended';
    this.s.flow = null;
    this.s.step = null;
    this.say('ended');
  }

  /** Runs steps that need no answer until one waits for the person, asks for a check, or ends. */
  enter(stepId: string, request: Partial<CheckRequest> = {}): void {
    for (let hops = 0; hops < 200; hops++) {
      const flow = this.flow();
      if (stepId === END || !flow) return this.end();
      const step = flow.steps[stepId];
      if (!step) return this.end();
      this.s.step = stepId;
      const ref = `${flow.id}/${stepId}`;
      switch (step.kind) {
        case 'say': {
          for (const m of Array.isArray(step.say) ? step.say : [step.say]) this.replies.push({ kind: 'text', text: this.text(flow, m) });
          if (step.qr) this.replies.push({ kind: 'image', format: 'qr', data: render(step.qr, this.vars()), alt: this.text(flow, Array.isArray(step.say) ? step.say[0]! : step.say) });
          if (step.link) this.replies.push({ kind: 'link', url: render(step.link.url, this.vars()), label: this.text(flow, step.link.label) });
          this.log('b', ref);
          stepId = step.next;
          continue;
        }
        case 'ask':
          this.replies.push({ kind: 'choices', prompt: this.text(flow, step.ask), choices: this.choices(flow, step) });
          this.log('b', ref);
          return;
        case 'input': {
          const user = this.env.requireProof && !isProven(this.s.subject.identity) ? undefined : this.s.subject.user;
          const known = step.input === 'username' ? user : step.input === 'ip' ? this.s.subject.ip : undefined;
          const measured = step.input === 'device_time' && typeof this.s.vars.deviceOffsetMs === 'number';
          if (known || measured) {
            stepId = step.next;
            continue;
          }
          // An input asked `tries` times already moves on: a person is never asked the same forever.
          if (step.tries !== undefined && step.exhausted) {
            const key = `tries.${flow.id}.${stepId}`;
            const asked = Number(this.s.vars[key] ?? 0);
            if (asked >= step.tries) {
              stepId = step.exhausted;
              continue;
            }
            this.s.vars[key] = asked + 1;
          }
          this.replies.push({ kind: 'prompt', text: this.text(flow, step.prompt), input: step.input });
          this.log('b', ref);
          return;
        }
        case 'check':
          if (step.say) this.replies.push({ kind: 'text', text: this.text(flow, step.say) });
          this.effect = { type: 'check', check: step.check, ...request };
          return;
        case 'escalate':
          if (step.say) this.replies.push({ kind: 'text', text: this.text(flow, step.say) });
          this.log('b', ref);
          this.effect = { type: 'escalate', urgent: step.urgent, attach: step.attach };
          return;
        case 'watch':
          this.effect = { type: 'watch' };
          return;
        case 'flow': {
          const target = this.env.flows.get(step.flow);
          if (!target) return this.end();
          this.s.flow = target.id;
          this.log('b', `flow:${target.id}`);
          stepId = target.start;
          continue;
        }
      }
    }
    throw new Error(`flow ${this.s.flow} does not stop for input`);
  }

  choices(flow: Flow, step: Extract<Step, { kind: 'ask' }>): Choice[] {
    return Object.entries(step.choices).map(([id, c]) => ({ id, label: this.text(flow, typeof c === 'string' ? id : c.label) }));
  }

  currentStep(): Step | undefined {
    return this.flow()?.steps[this.s.step ?? ''];
  }

  /** Shows again what the conversation is waiting for (after a restart, or a bad answer). */
  repeat(): void {
    const flow = this.flow();
    const step = this.currentStep();
    if (this.s.status !== 'active' || !flow || !step) return this.menu('menu_prompt');
    if (step.kind === 'ask') this.replies.push({ kind: 'choices', prompt: this.text(flow, step.ask), choices: this.choices(flow, step) });
    else if (step.kind === 'input') this.replies.push({ kind: 'prompt', text: this.text(flow, step.prompt), input: step.input });
    else this.enter(this.s.step ?? END);
  }

  choose(id: string, logIt = true): void {
    if (id === MENU_CHOICE) return this.menu('menu_prompt');
    if (id === HUMAN_CHOICE) return this.startFlow(HANDOVER_FLOW);
    const flow = this.flow();
    const step = this.currentStep();
    if (this.s.status !== 'active' || !flow || step?.kind !== 'ask') {
      if (this.env.flows.has(id)) return this.startFlow(id);
      return this.menu('not_understood');
    }
    const choice = step.choices[id];
    if (choice === undefined) {
      this.replies.push({ kind: 'text', text: this.sys('pick_one') });
      return this.repeat();
    }
    if (logIt) this.log('u', `choice:${id}`);
    this.enter(typeof choice === 'string' ? choice : choice.next);
  }

  answerInput(text: string, step: Extract<Step, { kind: 'input' }>): void {
    switch (step.input) {
      case 'code': {
        const code = parseCode(text);
        if (!code) {
          this.log('u', '[not a code]');
          this.say('bad_code_format');
          return this.repeat();
        }
        this.log('u', '[code]');
        const h = createHmac('sha256', this.env.codeKey).update(`${this.s.id}:${code}`).digest('base64url').slice(0, 16);
        const earlier = this.s.codes.find((c) => c.h === h);
        if (earlier) {
          // The same code again: no need to ask the API; it cannot have become right. Explained at once.
          this.say('same_code_again');
          return this.repeat();
        }
        this.s.codes.push({ h, at: this.env.now, off: null });
        if (this.s.codes.length > 10) this.s.codes.shift();
        return this.enter(step.next, { code });
      }
      case 'device_time': {
        if (!parseDeviceTime(text)) {
          this.log('u', text.slice(0, USER_TEXT_LIMIT));
          this.say('bad_time_format');
          return this.repeat();
        }
        this.log('u', text);
        this.s.vars.deviceTime = text;
        this.s.vars.deviceTimeAt = this.env.now;
        return this.enter(step.next);
      }
      case 'ip': {
        const ip = parseIp(text);
        this.log('u', text.slice(0, USER_TEXT_LIMIT));
        if (!ip) {
          this.say('bad_ip');
          return this.repeat();
        }
        this.s.subject.ip = ip;
        return this.enter(step.next);
      }
      case 'username': {
        const user = parseUsername(text);
        this.log('u', text.slice(0, USER_TEXT_LIMIT));
        if (!user) {
          this.say('bad_username');
          return this.repeat();
        }
        if (this.env.requireProof && !isProven(this.s.subject.identity)) {
          // Nothing about an account is said until the person proves it is theirs.
          this.s.vars.proofFor = user;
          this.effect = { type: 'send-proof', who: user };
          return;
        }
        // An e-mail address stands in for the username until the account check finds the real one.
        this.s.subject.user = user;
        if (user.includes('@')) this.s.subject.email = user;
        this.s.subject.identity ??= 'claimed';
        return this.enter(step.next);
      }
      case 'text':
        this.log('u', text.slice(0, USER_TEXT_LIMIT));
        this.s.vars.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
        return this.enter(step.next);
    }
  }

  onText(raw: string): void {
    const input = cleanInput(raw);
    if (input.tooLong) this.say('too_long', { limit: 2000 }, true);
    let text = input.text;
    if (input.secret) {
      // Warned, never stored; whatever else the message said is still understood.
      this.log('u', '[removed: looked like a secret]');
      this.say('secret_warning', {}, true);
      text = withoutSecrets(text);
      if (!text) return this.repeat();
    }
    if (input.unprintable) {
      this.log('u', '[unreadable]');
      this.say('unprintable');
      return;
    }
    if (!text) {
      this.say('empty_input');
      return;
    }
    const proofCode = typeof this.s.vars.proofFor === 'string' ? parseProofCode(text) : undefined;
    if (proofCode) {
      this.log('u', '[confirmation code]');
      this.effect = { type: 'confirm-proof', code: proofCode };
      return;
    }
    const meaning = interpret(this.env, this.s, text);
    const step = this.currentStep();
    if (meaning.action === 'answer' && this.s.status === 'active' && step?.kind === 'input' && meaning.intent === null) {
      return this.answerInput(text, step);
    }
    this.log('u', text.slice(0, USER_TEXT_LIMIT));
    // Outside a flow, what the person writes decides the language ("hej" is answered in Swedish).
    if (meaning.lang && meaning.confidence >= 0.4 && !this.s.langFixed && this.s.status !== 'active') this.s.lang = meaning.lang;
    switch (meaning.action) {
      case 'choice':
        return this.choose(meaning.choice as string, false);
      case 'topic':
        return this.startFlow(meaning.topic as string);
      case 'handover':
        return this.startFlow(HANDOVER_FLOW);
      case 'menu':
        return this.menu('menu_prompt');
      case 'skip':
        if (this.s.status === 'active' && step?.kind === 'input' && step.skip) return this.enter(step.skip);
        this.say('nothing_to_skip');
        return this.repeat();
      case 'answer':
        return this.answerIntent(meaning.intent ?? '', step);
      case 'unclear':
        return this.unclear(meaning, step, text);
    }
  }

  /** A global intent answered in place; the conversation stays where it was. */
  answerIntent(intent: string, step: Step | undefined): void {
    const active = this.s.status === 'active';
    switch (intent) {
      case 'dont_know': {
        const key: SystemKey =
          step?.kind === 'input'
            ? ({ ip: 'ip_help', username: 'username_help', code: 'code_help', device_time: 'time_help', text: 'text_help' } as const)[step.input]
            : 'pick_help';
        this.say(key);
        return active ? this.repeat() : this.menu('menu_prompt');
      }
      case 'nothing_sent':
        if (!active) return this.startFlow('nothing_received');
        this.say('nothing_sent_note');
        return this.repeat();
      case 'first_code':
        this.say('first_code_note');
        return active ? this.repeat() : this.startFlow('code_rejected');
      case 'hello':
        return active ? this.repeat() : this.menu('menu_prompt');
      case 'stop':
        this.effect = { type: 'unwatch' };
        return;
      case 'thanks':
        this.say('welcome');
        if (active) return this.repeat();
        return;
      case 'yes':
      case 'no':
        // A yes or no with no question asked.
        if (active) return this.repeat();
        return this.menu('menu_prompt');
      default:
        return this.repeat();
    }
  }

  /** Not sure: say so, and offer the closest choices (or the topics) as buttons; never just "pick one". */
  unclear(meaning: Interpretation, step: Step | undefined, text: string): void {
    const flow = this.flow();
    if (this.s.status === 'active' && flow && step?.kind === 'ask') {
      const all = this.choices(flow, step);
      const closest = meaning.closest.map((id) => all.find((c) => c.id === id)).filter((c): c is Choice => c !== undefined);
      this.replies.push({ kind: 'choices', prompt: this.sys('clarify_choice', { question: this.text(flow, step.ask) }), choices: closest.length >= 2 ? closest : all });
      this.log('b', 'sys:clarify_choice');
      return;
    }
    if (this.s.status === 'active' && step?.kind === 'check') return this.enter(this.s.step ?? END);
    if (this.s.status === 'active') return this.repeat();
    if (meaning.intent === 'none' || (!meaning.intent && /\p{L}{3}/u.test(text))) {
      this.say('out_of_scope');
      return this.menu('menu_prompt');
    }
    this.menu(this.s.status === 'ended' ? 'ended_hint' : 'not_understood');
  }

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
    const target = step.on[result.code] ?? step.on.else;
    this.enter(target ?? END);
  }

  onProofSent(): void {
    this.say('proof_sent');
  }

  onProven(user: string, how: string, email?: string): void {
    this.s.subject.user = user;
    this.s.subject.identity = how;
    if (email) this.s.subject.email = email;
    delete this.s.vars.proofFor;
    this.say('proven', { user });
    const step = this.currentStep();
    if (this.s.status === 'active' && step?.kind === 'input' && step.input === 'username') return this.enter(step.next);
    this.repeat();
  }

  onProofFailed(reason: 'wrong' | 'expired' | 'none' | 'locked'): void {
    // 'none' reads as 'wrong': no reply may tell whether a code was ever mailed.
    if (reason === 'expired' || reason === 'locked') delete this.s.vars.proofFor;
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

  /** A notice from the watcher: said once, wherever the conversation stands. */
  onWatchFired(what: 'active' | 'overdue', ticket?: string): void {
    this.say(what === 'active' ? 'watch_active' : 'watch_overdue', { ticket: ticket ?? '' });
  }

  onDeviceClock(offsetMs: number, errorMs: number): void {
    this.s.vars.deviceOffsetMs = Math.round(offsetMs);
    this.s.vars.deviceOffsetErrorMs = Math.round(errorMs);
    this.s.vars.deviceOffsetAt = this.env.now;
    this.log('u', '[clock measured by the phone]');
    const step = this.currentStep();
    if (this.s.status === 'active' && step?.kind === 'input' && step.input === 'device_time') return this.enter(step.next);
    // Not asked for right now: kept for the next clock check, and the person is told where we are.
    this.repeat();
  }

  onEscalated(ticket: string | null): void {
    const urgent = (() => {
      const step = this.currentStep();
      return step?.kind === 'escalate' && step.urgent;
    })();
    const key: SystemKey = ticket ? (urgent ? 'escalated_urgent' : 'escalated') : 'escalation_failed';
    this.replies.push({ kind: 'handover', ticket, urgent, text: this.sys(key, { ticket }) });
    this.log('b', `sys:${key}${ticket ? `:${ticket}` : ''}`);
    // The support form links a later message to this ticket instead of opening a second one.
    if (ticket) this.s.vars.ticket = ticket;
    this.s.status = 'ended';
    this.s.flow = null;
    this.s.step = null;
  }
}

/** Copies what a turn may change; findings and transcript entries are replaced, never edited. */
function cloneSnapshot(s: Snapshot): Snapshot {
  return {
    ...s,
    subject: { ...s.subject },
    vars: { ...s.vars },
    findings: [...s.findings],
    codes: s.codes.map((c) => ({ ...c })),
    transcript: [...s.transcript],
  };
}

export function transition(env: EngineEnv, snapshot: Snapshot, event: EngineEvent): TransitionResult {
  const s = cloneSnapshot(snapshot);
  const turn = new Turn(env, s);
  switch (event.type) {
    case 'start':
      turn.greet();
      turn.menu('menu_prompt');
      break;
    case 'resume':
      turn.say('welcome_back');
      turn.repeat();
      break;
    case 'repeat':
      turn.repeat();
      break;
    case 'text':
      turn.onText(event.text);
      break;
    case 'choice':
      turn.choose(event.id);
      break;
    case 'topic':
      turn.startFlow(event.flow);
      break;
    case 'checked':
      turn.onChecked(event.result, event.extra);
      break;
    case 'escalated':
      turn.onEscalated(event.ticket);
      break;
    case 'proof-sent':
      turn.onProofSent();
      break;
    case 'proven':
      turn.onProven(event.user, event.how, event.email);
      break;
    case 'proof-failed':
      turn.onProofFailed(event.reason);
      break;
    case 'watched':
      turn.onWatched(event.created);
      break;
    case 'unwatched':
      turn.onUnwatched(event.count);
      break;
    case 'watch-fired':
      turn.onWatchFired(event.what, event.ticket);
      break;
    case 'device-clock':
      turn.onDeviceClock(event.offsetMs, event.errorMs);
      break;
  }
  s.updatedAt = env.now;
  if (s.codes.some((c) => env.now - c.at > CODE_FINGERPRINT_MS)) s.codes = s.codes.filter((c) => env.now - c.at <= CODE_FINGERPRINT_MS);
  return { snapshot: s, replies: turn.replies, ...(turn.effect ? { effect: turn.effect } : {}) };
}
