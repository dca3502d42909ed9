// Walking a flow: entering steps until one waits for the person, skipping a question whose answer
// the person already gave (saying in passing what was taken), and taking a prompt's answer.
import { createHmac } from 'node:crypto';
import { parseDeviceTime } from '../checks/device-time.ts';
import { render } from '../i18n/index.ts';
import { parseCode, parseIp, parseUsername, redactCodes } from './input.ts';
import type { Choice } from './replies.ts';
import type { CheckRequest } from './events.ts';
import { END, type Flow, type Step } from './schema.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { countCode, setSlot, slotValue } from './slots.ts';
import { HELD_CODE_MS, unsealCode } from './held-code.ts';
import { opensOf, parseOpening } from './intents.ts';
import { Wording } from './wording.ts';
import { HelpdeskError } from '../errors.ts';

type InputStep = Extract<Step, { kind: 'input' }>;
type AskStep = Extract<Step, { kind: 'ask' }>;

export const MENU_CHOICE = '_menu';
export const HUMAN_CHOICE = '_human';

/** How the channel or a proof vouches for the person; 'claimed' is only what they typed. */
export function isProven(identity: string | undefined): boolean {
  return identity !== undefined && identity !== 'claimed';
}

/** A known answer lets the walk go on: to this step, with this check request. */
interface Known {
  next: string;
  request?: Partial<CheckRequest>;
}

export class Steps extends Wording {
  /** The hand-over topic: `opens.human` in _intents.yaml. */
  handoverFlow(): string | undefined {
    return parseOpening(opensOf(this.env.flows, this.env.opens).human)?.flow;
  }

  startFlow(flowId: string, at?: string): void {
    const flow = this.env.flows.get(flowId);
    if (!flow) return this.menu('not_understood');
    this.s.status = 'active';
    this.s.flow = flow.id;
    this.s.tries = {};
    this.replies.push({ kind: 'text', text: flow.title[this.lang], topic: true });
    this.log('b', `flow:${flow.id}`);
    this.enter(at && flow.steps[at] ? at : flow.start);
  }

  /** The topic is done: it stays the conversation's topic (what it was about), with nothing asked. */
  end(): void {
    this.s.status = 'ended';
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
        case 'say':
          this.sayStep(flow, step);
          this.log('b', ref);
          stepId = step.next;
          continue;
        case 'ask': {
          const known = this.slotChoice(step);
          if (known) {
            stepId = known;
            continue;
          }
          this.replies.push({ kind: 'choices', prompt: this.text(flow, step.ask), choices: this.choices(flow, step) });
          this.log('b', ref);
          return;
        }
        case 'input': {
          const known = this.knownInput(flow, stepId, step);
          if (known === 'wait') return;
          if (known) {
            stepId = known.next;
            request = { ...request, ...known.request };
            continue;
          }
          this.replies.push({ kind: 'prompt', text: this.text(flow, step.prompt), input: step.input });
          this.log('b', ref);
          return;
        }
        case 'check':
          if (step.say) this.replies.push({ kind: 'text', text: this.text(flow, step.say) });
          this.effect = { type: 'check', check: step.check, ...request };
          return;
        case 'escalate': {
          if (step.say) this.replies.push({ kind: 'text', text: this.text(flow, step.say) });
          this.log('b', ref);
          // One ticket per hand-over: a conversation that has one adds to it.
          const open = slotValue(this.s.slots, 'ticket');
          this.effect = { type: 'escalate', urgent: step.urgent, attach: step.attach, ...(open ? { relatesTo: open } : {}) };
          return;
        }
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
    throw new HelpdeskError('engine.fault', `flow ${this.s.flow} does not stop for input`);
  }

  private sayStep(flow: Flow, step: Extract<Step, { kind: 'say' }>): void {
    for (const m of Array.isArray(step.say) ? step.say : [step.say]) {
      const text = this.text(flow, m);
      // A fact said in the line before is not said again.
      const last = this.replies.at(-1);
      if (last?.kind === 'text' && last.text === text) continue;
      this.replies.push({ kind: 'text', text });
    }
    if (step.qr) this.replies.push({ kind: 'image', format: 'qr', data: render(step.qr, this.vars()), alt: this.text(flow, Array.isArray(step.say) ? step.say[0]! : step.say) });
    if (step.link) this.replies.push({ kind: 'link', url: render(step.link.url, this.vars()), label: this.text(flow, step.link.label) });
  }

  /** A question answered by what the person already said (what happened to the phone). */
  private slotChoice(step: AskStep): string | undefined {
    const device = step.slot === 'device' ? slotValue(this.s.slots, 'device') : step.slot === 'code_source' && slotValue(this.s.slots, 'codeNoted') ? 'noted' : undefined;
    if (!device) return undefined;
    for (const [id, c] of Object.entries(step.choices)) {
      if (typeof c !== 'string' && c.means?.includes(device)) {
        this.log('b', `took:device:${id}`);
        return c.next;
      }
    }
    return undefined;
  }

  /** The answer to a prompt, when the person or the channel already gave it; 'wait' for a proof. */
  private knownInput(flow: Flow, stepId: string, step: InputStep): Known | 'wait' | undefined {
    switch (step.input) {
      case 'username': {
        const proven = !this.env.requireProof || isProven(this.s.subject.identity);
        const user = this.s.subject.user;
        if (user && proven) {
          // Taken from what they wrote: said in passing, so a wrong one can be corrected.
          const slot = this.s.slots.username ?? this.s.slots.email;
          if (this.s.subject.identity === 'claimed' && slot?.s.endsWith(':extract')) this.say('taking_username', { user });
          return { next: step.next };
        }
        if (user && !proven && this.s.proofFor === undefined) {
          this.s.proofFor = user;
          this.effect = { type: 'send-proof', who: user };
          return 'wait';
        }
        break;
      }
      case 'ip':
        if (this.s.subject.ip) return { next: step.next };
        if (step.outside && slotValue(this.s.slots, 'inSweden') === false) return { next: step.outside };
        break;
      case 'device_time':
        if (this.s.slots.deviceTime || this.s.measured) return { next: step.next };
        break;
      case 'code': {
        const held = this.s.heldCode;
        if (held) {
          delete this.s.heldCode;
          const code = this.env.now - held.t <= HELD_CODE_MS ? unsealCode(held.c, this.env.codeKey, this.s.id) : undefined;
          if (code && this.fingerprint(code)) return { next: step.next, request: { code } };
        }
        // The phone's time, already said: the clock is checked before a code is asked for.
        if (step.time_given && (this.s.slots.deviceTime || this.s.measured) && !this.s.findings.some((f) => f.id === 'clock')) return { next: step.time_given };
        break;
      }
      case 'text':
        // Described already in this message (in place of a username, in the hand-over topic).
        if (this.s.tries._note === (this.s.turns ?? 0) && this.s.note) return { next: step.next };
        break;
    }
    return this.capped(flow, stepId, step);
  }

  /** An input asked `tries` times already moves on: a person is never asked the same forever. */
  private capped(flow: Flow, stepId: string, step: InputStep): Known | undefined {
    if (step.tries === undefined || !step.exhausted) return undefined;
    const key = `${flow.id}.${stepId}`;
    const asked = this.s.tries[key] ?? 0;
    if (asked >= step.tries) return { next: step.exhausted };
    this.s.tries[key] = asked + 1;
    return undefined;
  }

  /** Notes a typed code by its keyed fingerprint; false when the same code was typed before. */
  fingerprint(code: string): boolean {
    const h = createHmac('sha256', this.env.codeKey).update(`${this.s.id}:${code}`).digest('base64url').slice(0, 16);
    if (this.s.codes.some((c) => c.h === h)) return false;
    this.s.codes.push({ h, at: this.env.now, off: null });
    if (this.s.codes.length > 10) this.s.codes.shift();
    return true;
  }

  choices(flow: Flow, step: AskStep): Choice[] {
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
    const human = this.handoverFlow();
    if (id === HUMAN_CHOICE && human) return this.startFlow(human);
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

  answerInput(text: string, step: InputStep): void {
    switch (step.input) {
      case 'code':
        return this.answerCode(text, step);
      case 'device_time': {
        if (!parseDeviceTime(text)) {
          this.log('u', text.slice(0, USER_TEXT_LIMIT));
          this.say('bad_time_format');
          return this.repeat();
        }
        this.log('u', text);
        setSlot(this.s.slots, 'deviceTime', text.slice(0, 40), this.source('step'), this.env.now);
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
      case 'username':
        return this.answerUsername(text, step);
      case 'text':
        this.log('u', text.slice(0, USER_TEXT_LIMIT));
        this.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
        return this.enter(step.next);
    }
  }

  /** `t<turn>:<reader>`: which message and which reader a slot came from. */
  source(reader: string): string {
    return `t${this.s.turns ?? 0}:${reader}`;
  }

  private answerCode(text: string, step: InputStep): void {
    const code = parseCode(text);
    if (!code) {
      this.log('u', '[not a code]');
      this.say('bad_code_format');
      return this.repeat();
    }
    this.log('u', '[code]');
    countCode(this.s.slots, this.env.now);
    if (!this.fingerprint(code)) {
      // The same code again: no need to ask the API; it cannot have become right. Explained at once.
      this.say('same_code_again');
      return this.repeat();
    }
    return this.enter(step.next, { code });
  }

  answerUsername(text: string, step: InputStep, given?: string): void {
    const user = given ?? parseUsername(text);
    this.log('u', text.slice(0, USER_TEXT_LIMIT));
    if (!user) {
      this.say('bad_username');
      return this.repeat();
    }
    setSlot(this.s.slots, user.includes('@') ? 'email' : 'username', user, this.source('step'), this.env.now);
    if (this.env.requireProof && !isProven(this.s.subject.identity)) {
      // Nothing about an account is said until the person proves it is theirs.
      this.s.proofFor = user;
      this.effect = { type: 'send-proof', who: user };
      return;
    }
    // An e-mail address stands in for the username until the account check finds the real one.
    this.s.subject.user = user;
    if (user.includes('@')) this.s.subject.email = user;
    this.s.subject.identity ??= 'claimed';
    return this.enter(step.next);
  }
}
