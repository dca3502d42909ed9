// Walking a flow: entering steps until one waits for the person, skipping a question whose answer
// the person already gave (saying in passing what was taken), and taking a prompt's answer.
import { createHmac } from 'node:crypto';
import { parseDeviceTime } from '../checks/device-time.ts';
import { render } from '../i18n/index.ts';
import { parseCode, parseIp, parseUsername, redactCodes } from '../understanding/input.ts';
import type { Choice, Reply, Stage } from './replies.ts';
import type { CheckRequest } from './events.ts';
import { END, type Flow, type Step } from '../flows/schema.ts';
import { USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import { countCode, setSlot, slotValue } from './slots.ts';
import { HELD_CODE_MS, unsealCode } from './held-code.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import { currentFlow, line, log, menu, say, sys, vars } from './say.ts';
import { leadByFacts } from './facts-lead.ts';
import type { Turn } from './turn.ts';
import { askReach, fileHandover, isProven, REACH_HERE_CHOICE, reachAnswered } from './reach.ts';
import { HelpdeskError } from '../errors.ts';

type InputStep = Extract<Step, { kind: 'input' }>;
type AskStep = Extract<Step, { kind: 'ask' }>;

export const MENU_CHOICE = '_menu';
export const HUMAN_CHOICE = '_human';

export { isProven } from './reach.ts';

/** A known answer lets the walk go on: to this step, with this check request. */
interface Known {
  next: string;
  request?: Partial<CheckRequest>;
}

/** The hand-over topic: `opens.human` in _intents.yaml. */
export function handoverFlow(t: Turn): string | undefined {
  return parseOpening(opensOf(t.env.flows, t.env.opens).human)?.flow;
}

export function startFlow(t: Turn, flowId: string, at?: string): void {
  const flow = t.env.flows.get(flowId);
  if (!flow) return menu(t, 'not_understood');
  t.s.status = 'active';
  t.s.flow = flow.id;
  t.s.topic = flow.id;
  t.s.tries = {};
  delete t.s.resumeAt;
  t.replies.push({ kind: 'text', text: flow.title[t.s.lang], topic: true });
  log(t, 'b', `flow:${flow.id}`);
  enter(t, at && flow.steps[at] ? at : flow.start);
}

/** The topic is done: it stays the conversation's topic (what it was about), with nothing asked. */
export function end(t: Turn): void {
  if (resumed(t)) return;
  t.s.status = 'ended';
  t.s.step = null;
  say(t, 'ended');
}

/**
 * A side question that interrupted a question (the doubt question) has ended without a hand-over:
 * the interrupted question is asked again, as after any interruption ("Back to where we were:").
 */
function resumed(t: Turn): boolean {
  const back = t.s.resumeAt;
  delete t.s.resumeAt;
  if (!back || t.s.status !== 'active' || !t.env.flows.get(back.flow)?.steps[back.step]) return false;
  t.s.flow = back.flow;
  t.s.step = back.step;
  t.s.topic = back.topic ?? back.flow;
  say(t, 'resume');
  repeat(t);
  return true;
}

/** Runs steps that need no answer until one waits for the person, asks for a check, or ends. */
export function enter(t: Turn, stepId: string, request: Partial<CheckRequest> = {}): void {
  for (let hops = 0; hops < 200; hops++) {
    const flow = currentFlow(t);
    if (stepId === END || !flow) return end(t);
    const step = flow.steps[stepId];
    if (!step) return end(t);
    t.s.step = stepId;
    const ref = `${flow.id}/${stepId}`;
    switch (step.kind) {
      case 'say':
        if (followFacts(t, flow, stepId, step)) return;
        sayStep(t, flow, step);
        log(t, 'b', ref);
        stepId = step.next;
        continue;
      case 'ask': {
        const known = slotChoice(t, step);
        if (known) {
          stepId = known;
          continue;
        }
        if (followFacts(t, flow, stepId, step)) return;
        t.replies.push(question(t, flow, stepId, step));
        log(t, 'b', ref);
        return;
      }
      case 'input': {
        const known = knownInput(t, flow, stepId, step);
        if (known === 'wait') return;
        if (known) {
          stepId = known.next;
          request = { ...request, ...known.request };
          continue;
        }
        t.replies.push({ kind: 'prompt', text: line(t, flow, step.prompt), input: step.input });
        log(t, 'b', ref);
        return;
      }
      case 'check':
        if (step.say) t.replies.push({ kind: 'text', text: line(t, flow, step.say) });
        t.effect = { type: 'check', check: step.check, ...request };
        return;
      case 'escalate': {
        delete t.s.resumeAt;
        if (step.say) t.replies.push({ kind: 'text', text: line(t, flow, step.say) });
        log(t, 'b', ref);
        // One ticket per hand-over: a conversation that has one adds to it.
        const open = slotValue(t.s.slots, 'ticket');
        fileHandover(t, { type: 'escalate', urgent: step.urgent, attach: step.attach, ...(open ? { relatesTo: open } : {}) });
        return;
      }
      case 'watch':
        t.effect = { type: 'watch' };
        return;
      case 'flow': {
        const target = t.env.flows.get(step.flow);
        if (!target) return end(t);
        t.s.flow = target.id;
        log(t, 'b', `flow:${target.id}`);
        stepId = target.start;
        continue;
      }
    }
  }
  throw new HelpdeskError('engine.fault', `flow ${t.s.flow} does not stop for input`);
}

/**
 * The account's facts before the question (facts-lead.ts): looked up first, or, when they choose
 * another topic than the words did, the person is told why in one line and taken there.
 */
function followFacts(t: Turn, flow: Flow, stepId: string, step: AskStep | Extract<Step, { kind: 'say' }>): boolean {
  const lead = leadByFacts(t, step.facts);
  if (!lead) return false;
  if (lead.kind === 'check') {
    t.s.lead = stepId;
    t.effect = { type: 'check', check: lead.check };
    return true;
  }
  t.replies.push({ kind: 'text', text: line(t, flow, step.facts![lead.code]!.say) });
  log(t, 'b', `facts:${flow.id}/${stepId}/${lead.code}`);
  const [flowId, target] = lead.go.split('/') as [string, string | undefined];
  const to = t.env.flows.get(flowId);
  if (!to) return false;
  if (to.id !== flow.id) {
    t.s.flow = to.id;
    t.s.tries = {};
    t.replies.push({ kind: 'text', text: to.title[t.s.lang], topic: true });
    log(t, 'b', `flow:${to.id}`);
  }
  enter(t, target ?? to.start);
  return true;
}

function sayStep(t: Turn, flow: Flow, step: Extract<Step, { kind: 'say' }>): void {
  for (const m of Array.isArray(step.say) ? step.say : [step.say]) {
    // What a knowledge answer of this turn said already ("Do I need two-factor from home?").
    if (typeof m === 'string' && t.covered?.flow === flow.id && t.covered.messages.has(m)) continue;
    const text = line(t, flow, m);
    // A fact said in the line before is not said again.
    const last = t.replies.at(-1);
    if (last?.kind === 'text' && last.text === text) continue;
    t.replies.push({ kind: 'text', text });
  }
  if (step.qr) t.replies.push({ kind: 'image', format: 'qr', data: render(step.qr, vars(t)), alt: line(t, flow, Array.isArray(step.say) ? step.say[0]! : step.say) });
  if (step.link) t.replies.push({ kind: 'link', url: render(step.link.url, vars(t)), label: line(t, flow, step.link.label) });
}

/** A question answered by what the person already said (what happened to the phone). */
function slotChoice(t: Turn, step: AskStep): string | undefined {
  const device = step.slot === 'device' ? slotValue(t.s.slots, 'device') : step.slot === 'code_source' ? codeSource(t) : undefined;
  if (!device) return undefined;
  for (const [id, c] of Object.entries(step.choices)) {
    if (typeof c !== 'string' && c.means?.includes(device)) {
      log(t, 'b', `took:device:${id}`);
      return c.next;
    }
  }
  return undefined;
}

/** Where the person said the old code came from: noted down earlier, or the screen right now. */
function codeSource(t: Turn): string | undefined {
  if (slotValue(t.s.slots, 'codeNoted')) return 'noted';
  return slotValue(t.s.slots, 'codeShown') ? 'on_screen' : undefined;
}

/** The answer to a prompt, when the person or the channel already gave it; 'wait' for a proof. */
function knownInput(t: Turn, flow: Flow, stepId: string, step: InputStep): Known | 'wait' | undefined {
  switch (step.input) {
    case 'username': {
      const proven = !t.env.requireProof || isProven(t.s.subject.identity);
      const user = t.s.subject.user;
      if (user && proven) {
        // Taken from what they wrote: said in passing, so a wrong one can be corrected.
        const slot = t.s.slots.username ?? t.s.slots.email;
        if (t.s.subject.identity === 'claimed' && slot?.s.endsWith(':extract') && !t.corrected) say(t, 'taking_username', { user });
        return { next: step.next };
      }
      if (user && !proven && t.s.proofFor === undefined) {
        t.s.proofFor = user;
        t.effect = { type: 'send-proof', who: user };
        return 'wait';
      }
      break;
    }
    case 'ip':
      if (t.s.subject.ip) return { next: step.next };
      if (step.outside && slotValue(t.s.slots, 'inSweden') === false) return { next: step.outside };
      break;
    case 'device_time':
      if (t.s.slots.deviceTime || t.s.measured) return { next: step.next };
      break;
    case 'code': {
      const held = t.s.heldCode;
      if (held) {
        delete t.s.heldCode;
        const code = t.env.now - held.t <= HELD_CODE_MS ? unsealCode(held.c, t.env.codeKey, t.s.id) : undefined;
        if (code && fingerprint(t, code)) return { next: step.next, request: { code } };
      }
      // The phone's time, already said: the clock is checked before a code is asked for.
      if (step.time_given && (t.s.slots.deviceTime || t.s.measured) && !t.s.findings.some((f) => f.id === 'clock')) return { next: step.time_given };
      break;
    }
    case 'text':
      // Described already in this message (in place of a username, in the hand-over topic).
      if (t.s.tries._note === (t.s.turns ?? 0) && t.s.note) return { next: step.next };
      break;
  }
  return capped(t, flow, stepId, step);
}

/** An input asked `tries` times already moves on: a person is never asked the same forever. */
function capped(t: Turn, flow: Flow, stepId: string, step: InputStep): Known | undefined {
  if (step.tries === undefined || !step.exhausted) return undefined;
  const key = `${flow.id}.${stepId}`;
  const asked = t.s.tries[key] ?? 0;
  if (asked >= step.tries) return { next: step.exhausted };
  t.s.tries[key] = asked + 1;
  return undefined;
}

/** Notes a typed code by its keyed fingerprint; false when the same code was typed before. */
export function fingerprint(t: Turn, code: string): boolean {
  return typedBefore(t, code) === undefined;
}

/** Notes a typed code by its keyed fingerprint; when the same code was typed before, that earlier entry. */
function typedBefore(t: Turn, code: string): Snapshot['codes'][number] | undefined {
  const h = createHmac('sha256', t.env.codeKey).update(`${t.s.id}:${code}`).digest('base64url').slice(0, 16);
  const before = t.s.codes.find((c) => c.h === h);
  if (before) return before;
  t.s.codes.push({ h, at: t.env.now, off: null });
  if (t.s.codes.length > 10) t.s.codes.shift();
  return undefined;
}

/**
 * The same old code typed again soon after: an app shows one code for 30 seconds, so it is the code
 * on the screen, and a clock this far behind is what makes the app show an old one.
 */
function shownAgain(t: Turn, before: Snapshot['codes'][number]): boolean {
  return before.off !== null && before.off <= -SLOW_CLOCK_STEPS && t.env.now - before.at <= SHOWN_AGAIN_MS;
}

/** Steps behind from which an old code typed as the current one means a slow clock (60 s). */
const SLOW_CLOCK_STEPS = 2;
/** How soon the same code typed again is still the one the app shows (its 30 s, and typing). */
const SHOWN_AGAIN_MS = 90_000;

/** A code typed in place of an answer ("noted down, or on the screen?"): the one on the screen now, checked. */
export function codeAtQuestion(t: Turn, code: string, target: string): void {
  delete t.s.heldCode;
  log(t, 'u', '[code]');
  setSlot(t.s.slots, 'codeShown', true, source(t, 'extract'), t.env.now);
  const before = typedBefore(t, code);
  if (!before) return enter(t, target, { code });
  const step = currentStep(t);
  // The same code again is the one the app still shows: the clock step the question leads to.
  const shown = step?.kind === 'ask' ? Object.values(step.choices).find((c) => typeof c !== 'string' && c.means?.includes('on_screen')) : undefined;
  if (shown && typeof shown !== 'string' && shownAgain(t, before)) return enter(t, shown.next);
  say(t, 'same_code_again');
  repeat(t);
}

export function choicesOf(t: Turn, flow: Flow, step: AskStep): Choice[] {
  return Object.entries(step.choices).map(([id, c]) => ({ id, label: line(t, flow, typeof c === 'string' ? id : c.label) }));
}

export function currentStep(t: Turn): Step | undefined {
  return currentFlow(t)?.steps[t.s.step ?? ''];
}

/** Where a step is among its flow's numbered stages, if it is one, with "Step 5 of 9" in words. */
function stageOf(t: Turn, flow: Flow, stepId: string): { stage?: Stage } {
  const index = flow.stages.indexOf(stepId);
  if (index < 0) return {};
  const at = index + 1;
  const of = flow.stages.length;
  return { stage: { at, of, label: sys(t, 'step_of', { at, of }) } };
}

/** A question with its choices, where it is among the numbered steps, and its picture if it has one. */
function question(t: Turn, flow: Flow, stepId: string, step: AskStep): Reply {
  const picture = step.picture ? { picture: { name: step.picture, alt: sys(t, `picture_${step.picture}`) } } : {};
  return { kind: 'choices', prompt: line(t, flow, step.ask), choices: choicesOf(t, flow, step), ...stageOf(t, flow, stepId), ...picture };
}

/** Shows again what the conversation is waiting for (after a restart, or a bad answer). */
export function repeat(t: Turn): void {
  const flow = currentFlow(t);
  const step = currentStep(t);
  if (t.s.reach === 'asking') return askReach(t);
  if (t.s.status !== 'active' || !flow || !step) return menu(t, 'menu_prompt');
  if (step.kind === 'ask') t.replies.push(question(t, flow, t.s.step ?? '', step));
  else if (step.kind === 'input') t.replies.push({ kind: 'prompt', text: line(t, flow, step.prompt), input: step.input });
  else enter(t, t.s.step ?? END);
}

export function choose(t: Turn, id: string, logIt = true): void {
  if (t.s.reach === 'asking') {
    if (id === REACH_HERE_CHOICE) return reachAnswered(t, undefined);
    // Gone elsewhere instead of answering: the held hand-over is dropped, and not asked about again.
    t.s.reach = 'none';
    delete t.s.heldHandover;
  }
  if (id === MENU_CHOICE) return menu(t, 'menu_prompt');
  const human = handoverFlow(t);
  if (id === HUMAN_CHOICE && human) return startFlow(t, human);
  const flow = currentFlow(t);
  const step = currentStep(t);
  if (t.s.status !== 'active' || !flow || step?.kind !== 'ask') {
    if (t.env.flows.has(id)) return startFlow(t, id);
    return menu(t, 'not_understood');
  }
  const choice = step.choices[id];
  if (choice === undefined) {
    t.replies.push({ kind: 'text', text: sys(t, 'pick_one') });
    return repeat(t);
  }
  // With its question, so the transcript can show the button's label as the person saw it.
  if (logIt) log(t, 'u', `choice:${flow.id}/${t.s.step}/${id}`);
  // "The one on the screen": the old code's age measures the clock.
  if (step.slot === 'code_source' && typeof choice !== 'string' && choice.means?.includes('on_screen')) setSlot(t.s.slots, 'codeShown', true, source(t, 'step'), t.env.now);
  enter(t, typeof choice === 'string' ? choice : choice.next);
}

export function answerInput(t: Turn, text: string, step: InputStep): void {
  switch (step.input) {
    case 'code':
      return answerCode(t, text, step);
    case 'device_time': {
      if (!parseDeviceTime(text)) {
        log(t, 'u', text);
        say(t, 'bad_time_format');
        return repeat(t);
      }
      log(t, 'u', text);
      setSlot(t.s.slots, 'deviceTime', text.slice(0, 40), source(t, 'step'), t.env.now);
      return enter(t, step.next);
    }
    case 'ip': {
      const ip = parseIp(text);
      log(t, 'u', text);
      if (!ip) {
        say(t, 'bad_ip');
        return repeat(t);
      }
      t.s.subject.ip = ip;
      return enter(t, step.next);
    }
    case 'username':
      return answerUsername(t, text, step);
    case 'text':
      log(t, 'u', text);
      t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
      return enter(t, step.next);
  }
}

/** `t<turn>:<reader>`: which message and which reader a slot came from. */
export function source(t: Turn, reader: string): string {
  return `t${t.s.turns ?? 0}:${reader}`;
}

function answerCode(t: Turn, text: string, step: InputStep): void {
  const code = parseCode(text);
  if (!code) {
    log(t, 'u', '[not a code]');
    say(t, 'bad_code_format');
    return repeat(t);
  }
  log(t, 'u', '[code]');
  countCode(t.s.slots, t.env.now);
  const before = typedBefore(t, code);
  if (before) {
    // The same old code again, at once: the app still shows it, so the clock lags by its age.
    if (step.same_code && shownAgain(t, before)) {
      setSlot(t.s.slots, 'codeShown', true, source(t, 'step'), t.env.now);
      return enter(t, step.same_code);
    }
    // The same code again: no need to ask the API; it cannot have become right. Explained at once.
    say(t, 'same_code_again');
    return repeat(t);
  }
  return enter(t, step.next, { code });
}

export function answerUsername(t: Turn, text: string, step: InputStep, given?: string): void {
  const user = given ?? parseUsername(text);
  log(t, 'u', text);
  if (!user) {
    say(t, 'bad_username');
    return repeat(t);
  }
  setSlot(t.s.slots, user.includes('@') ? 'email' : 'username', user, source(t, 'step'), t.env.now);
  if (t.env.requireProof && !isProven(t.s.subject.identity)) {
    // Nothing about an account is said until the person proves it is theirs.
    t.s.proofFor = user;
    t.effect = { type: 'send-proof', who: user };
    return;
  }
  // An e-mail address stands in for the username until the account check finds the real one.
  t.s.subject.user = user;
  if (user.includes('@')) t.s.subject.email = user;
  t.s.subject.identity ??= 'claimed';
  return enter(t, step.next);
}
