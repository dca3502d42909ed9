// Facts that decide where the conversation goes whatever the classifier thinks (a person, out of
// scope, the phone's time, the device), and the two ways there: a hand-over and a topic started.
import type { SystemKey } from '../i18n/catalogue.ts';
import { redactCodes } from '../understanding/input.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { slotValue, type Extraction } from './slots.ts';
import { currentStep, enter, handoverFlow, startFlow } from './walk.ts';
import { currentFlow, menu, say } from './say.ts';
import type { Turn } from './turn.ts';
import { fileHandover } from './reach.ts';

const OUT_OF_SCOPE_LINE: Record<NonNullable<Extraction['outOfScope']>, SystemKey> = {
  password: 'out_of_scope_password',
  jobs: 'out_of_scope_jobs',
  cluster_down: 'out_of_scope_cluster_down',
};

/** Facts that decide what happens whatever the classifier thinks: a person, a takeover, out of scope, the phone. */
export function factsDecide(t: Turn, text: string): boolean {
  const opens = opensOf(t.env.flows, t.env.opens);
  if (t.facts.wantsHuman) {
    handOver(t, text);
    return true;
  }
  const active = t.s.status === 'active';
  if (t.facts.outOfScope && !active) {
    say(t, OUT_OF_SCOPE_LINE[t.facts.outOfScope]);
    menu(t, 'menu_prompt');
    return true;
  }
  const clock = parseOpening(opens.device_time);
  // In a topic, at a question that is not about it: a first message's topic walks there itself.
  if (clock?.step && active && t.heard.includes('deviceTime') && !t.s.findings.some((f) => f.id === 'clock')) {
    if (t.s.flow === clock.flow) {
      enter(t, clock.step);
      return true;
    }
    if (currentStep(t)?.kind === 'ask') {
      startFlow(t, clock.flow, clock.step);
      return true;
    }
  }
  const device = t.facts.device;
  const opening = device ? parseOpening(opens.device[device]) : undefined;
  if (opening && (!active || (t.s.flow !== opening.flow && currentStep(t)?.kind !== 'input'))) {
    startFlow(t, opening.flow, opening.step);
    return true;
  }
  // Said now at a question of the very topic it opens ("only a flip phone" at "where are you in
  // the setup?"): that topic's step for it, not the question again.
  if (opening?.step && active && t.s.flow === opening.flow && t.s.step !== opening.step && t.heard.includes('device') && currentStep(t)?.kind === 'ask') {
    enter(t, opening.step);
    return true;
  }
  return false;
}

/** A person, now, with what is known: in a topic the ticket goes at once; from the menu, the hand-over topic. */
export function handOver(t: Turn, text: string): void {
  const human = handoverFlow(t);
  if (t.s.status === 'active' && currentFlow(t)) {
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    t.s.step = null;
    const open = slotValue(t.s.slots, 'ticket');
    fileHandover(t, { type: 'escalate', urgent: false, attach: ['transcript', 'checks'], ...(open ? { relatesTo: open } : {}) });
    return;
  }
  if (!human) return menu(t, 'menu_prompt');
  startFlow(t, human);
}

/** A topic, started where what the person said already answers its first question. */
export function startTopic(t: Turn, flowId: string): void {
  const opens = opensOf(t.env.flows, t.env.opens);
  const device = slotValue(t.s.slots, 'device');
  const at = device ? parseOpening(opens.device[device]) : undefined;
  startFlow(t, flowId, at?.flow === flowId ? at.step : undefined);
}
