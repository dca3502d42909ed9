// Conversation repair: what a person says about the conversation itself rather than the problem
// ("never mind", "say that again", "are you a bot?", "that's all"). Each is a named pattern: the phrase
// family that hears it (src/understanding/phrases.yaml, English and Swedish), when it applies, and
// what it does, with its words in the catalogues (repair_*). docs/flows.md has the table.
import type { Meaning, Saying } from '../ports/understanding.ts';
import { factIn, factRulesOf } from '../understanding/fact-rules.ts';
import { fold } from '../understanding/normalise.ts';
import { log, menu, say } from './say.ts';
import { currentStep, enter, handoverFlow, repeat } from './walk.ts';
import { interrupt } from './interrupt.ts';
import type { Turn } from './turn.ts';

export interface RepairPattern {
  name: string;
  /** The phrase family that hears it. */
  saying: Saying;
  /** When it applies besides being heard (a message that also gives facts is about those). */
  applies: (t: Turn, text: string) => boolean;
  act: (t: Turn) => void;
}

/** A short message with no facts in it: it speaks about the conversation, nothing more. */
const MAX_WORDS = 10;
const onlyAboutTheConversation = (t: Turn, text: string) =>
  text.split(/\s+/).length <= MAX_WORDS && t.facts.codes === 0 && !t.facts.username && !t.facts.email && !t.facts.deviceTime && !t.facts.wantsHuman && !t.facts.takeover;

/** The topic is dropped: nothing more is asked, nothing is filed. */
function cancel(t: Turn): void {
  if (t.s.status !== 'active') return say(t, 'repair_nothing_to_cancel');
  if (t.s.flow === handoverFlow(t)) {
    // The hand-over being prepared: the person is told nothing went to support, and sees the topics.
    delete t.s.note;
    say(t, 'handover_cancelled');
    return menu(t, 'menu_prompt');
  }
  t.s.status = 'ended';
  t.s.step = null;
  say(t, 'repair_cancelled');
}

function done(t: Turn): void {
  say(t, 'repair_done');
  t.s.status = 'ended';
  t.s.flow = null;
  t.s.step = null;
}

/** At a question with choices: "maybe" / "kanske" picks none of them. */
const atAQuestion = (t: Turn) => t.s.status === 'active' && currentStep(t)?.kind === 'ask';

/**
 * Not sure which answer fits: where the question says what being unsure means (a doubt about a
 * token is as urgent as a no), it goes there; otherwise the choice is explained and asked again.
 */
function unsure(t: Turn): void {
  const step = currentStep(t);
  if (step?.kind === 'ask' && step.unsure) return enter(t, step.unsure);
  say(t, 'repair_unsure');
  repeat(t);
}

/** In the order they are tried. */
export const REPAIRS: readonly RepairPattern[] = [
  { name: 'cancellation', saying: 'cancel', applies: onlyAboutTheConversation, act: cancel },
  { name: 'repeat', saying: 'repeat', applies: () => true, act: (t) => (t.s.status === 'active' ? repeat(t) : menu(t, 'menu_prompt')) },
  { name: 'chitchat', saying: 'chitchat', applies: onlyAboutTheConversation, act: (t) => interrupt(t, (x) => say(x, 'repair_chitchat')) },
  { name: 'completion', saying: 'done', applies: onlyAboutTheConversation, act: done },
  { name: 'unsure', saying: 'unsure', applies: atAQuestion, act: unsure },
];

/** A repair pattern, when the message is one: done here, and the message needs nothing else. */
export function repaired(t: Turn, text: string): boolean {
  if (t.s.status === 'handed') return false;
  for (const p of REPAIRS) {
    if (!t.env.understanding.says(p.saying, text) || !p.applies(t, text)) continue;
    log(t, 'u', text);
    p.act(t);
    return true;
  }
  return false;
}

/** A reply that opens with an answer ("yes, can you?", "nej, varför?") answers, whatever it asks besides. */
const OPENS_WITH_ANSWER = /^(?:yes|yeah|yep|yup|sure|ok|okay|no|nope|nah|ja|japp|jo|okej|nej|na|nae)\b/u;

/**
 * A question asked back at a question with choices ("what would they do then?", "vad gör de då?")
 * that nothing answered: it is no choice, however near one its words are. Said honestly (no
 * guess; a person can answer it), then the question again.
 */
export function questionAtAQuestion(t: Turn, text: string, meaning: Meaning): boolean {
  if (t.s.status !== 'active' || currentStep(t)?.kind !== 'ask') return false;
  if (meaning.action !== 'unclear' && !(meaning.action === 'choice' && meaning.confidence < 1)) return false;
  const question = factRulesOf(t.env.flows).get('question');
  // Asked, with its question mark: "still not working" reports, it does not ask.
  if (!question || !text.includes('?') || !factIn(question, text) || OPENS_WITH_ANSWER.test(fold(text))) return false;
  say(t, 'repair_question_back');
  repeat(t);
  return true;
}
