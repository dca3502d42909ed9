// A token, mail or login the person did not make (the takeover fact, flows/facts/takeover.yaml)
// wins over everything else a message could mean: at any prompt, in any topic, after a hand-over.
// It goes to `opens.takeover`: the account asked for when unknown, then an urgent ticket naming it.
// A ticket already open about something else stays as it is: the takeover gets its own, urgent
// one. Said again once support has it as urgent, it is added to that ticket, still urgent.
import { opensOf, parseOpening, type Opening } from '../flows/intents.ts';
import { factRulesOf, termIn } from '../understanding/fact-rules.ts';
import { redactCodes } from '../understanding/input.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { slotValue } from './slots.ts';
import { log, say, sys } from './say.ts';
import { currentStep, startFlow } from './walk.ts';
import type { Turn } from './turn.ts';

/** Has this conversation already handed something over as urgent (its transcript says so)? */
function urgentAlready(t: Turn): boolean {
  return t.s.transcript.some(([, who, ref]) => {
    if (who !== 'b' || !ref.includes('/')) return false;
    const [flow, step] = ref.split('/');
    const s = t.env.flows.get(flow ?? '')?.steps[step ?? ''];
    return s?.kind === 'escalate' && s.urgent;
  });
}

export function takeoverDecides(t: Turn, text: string): boolean {
  if (!t.facts.takeover) return false;
  const opening = parseOpening(opensOf(t.env.flows, t.env.opens).takeover);
  if (!opening) return false;
  // At the takeover's own question (the account), the message answers it there.
  if (t.s.status === 'active' && t.s.flow === opening.flow && t.s.step === opening.step) return false;
  log(t, 'u', text);
  const ticket = slotValue(t.s.slots, 'ticket');
  if (ticket && urgentAlready(t)) {
    say(t, 'takeover_again', { ticket });
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    t.effect = { type: 'escalate', urgent: true, attach: ['transcript'], relatesTo: ticket };
    return true;
  }
  // A ticket open about something else is not urgent: the takeover gets its own, urgent one.
  delete t.s.slots.ticket;
  startUnderHeading(t, opening);
  return true;
}

/**
 * Doubt alone ("not sure it was me", "jag vet inte om det var jag") with no token, mail or login
 * named is no takeover yet, and no answer to whatever was asked: one question tells (`opens.doubt`),
 * and a yes goes on to the urgent hand-over. "Was that me?" about a mail or token asks whether they
 * registered one just before (`opens.doubt_mail`): a no, or not being sure, is the urgent hand-over.
 */
export function doubtAsks(t: Turn, text: string): boolean {
  if (t.facts.takeover || t.s.status === 'handed') return false;
  const opens = opensOf(t.env.flows, t.env.opens);
  const takeover = factRulesOf(t.env.flows).get('takeover');
  if (!takeover) return false;
  // "Was that me?" with a mail or token named asks whether they registered one just before.
  const asks = opens.doubt_mail !== undefined && termIn(takeover, 'asks_me', text) && termIn(takeover, 'event', text);
  const opening = parseOpening(asks ? opens.doubt_mail : opens.doubt);
  // "I don't remember setting it up, how do I log in?" is forgetting, not doubt (the term not_yet).
  if (!opening || !(asks || termIn(takeover, 'doubt', text)) || termIn(takeover, 'not_yet', text)) return false;
  if (t.s.status === 'active' && t.s.flow === opening.flow && t.s.step === opening.step) return false;
  log(t, 'u', text);
  // Asked at a question or prompt: a "no" goes back to it, the topic still open.
  const step = t.s.status === 'active' ? currentStep(t) : undefined;
  const back = (step?.kind === 'ask' || step?.kind === 'input') && t.s.flow && t.s.step ? { flow: t.s.flow, step: t.s.step, ...(t.s.topic ? { topic: t.s.topic } : {}) } : undefined;
  startUnderHeading(t, opening);
  if (back) t.s.resumeAt = back;
  return true;
}

/** Its heading says what this is, not the title of the topic it borrows steps from ("I lost my phone"). */
function startUnderHeading(t: Turn, opening: Opening): void {
  const before = t.replies.length;
  startFlow(t, opening.flow, opening.step);
  const heading = t.replies.findIndex((r, i) => i >= before && r.kind === 'text' && r.topic);
  if (heading >= 0) t.replies[heading] = { kind: 'text', text: sys(t, 'takeover_heading'), topic: true };
}
