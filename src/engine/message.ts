// A message from the person: its language and facts first (every message, at every step), then what
// it means where the conversation stands: an answer, a choice, a new topic, a person, or unclear.
import { cleanInput, withoutSecrets } from '../understanding/input.ts';
import { bareUsername, isCommonWord } from '../understanding/extract-username.ts';
import { parseProofCode } from './proof-code.ts';
import type { Meaning } from '../ports/understanding.ts';
import { END, type Step } from '../flows/schema.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import { choose, currentStep, enter, repeat, startFlow } from './walk.ts';
import { log, menu, say } from './say.ts';
import type { Turn } from './turn.ts';
import { questionAtAQuestion, repaired } from './repair.ts';
import { platformCorrected, valueCorrected } from './value-correction.ts';
import { codeDoubtAnswered, codeTypedElsewhere, foundRecalled, tokenStateAsked } from './facts-explain.ts';
import { feedbackText } from './outcome.ts';
import { doubtAsks, takeoverDecides } from './takeover-turn.ts';
import { answerBeside, answerFromKnowledge, readBeside } from './knowledge-turn.ts';
import { reachAnswered } from './reach.ts';
import { hearLanguage, takeFacts, takeUser } from './hear-message.ts';
import { askedOnceAndPassed, promptAnswered, promptFactGiven } from './prompt-answer.ts';
import { factsDecide, handOver, startTopic } from './facts-decide.ts';
import { answerIntent, askBetween, close, unclear } from './intent-answer.ts';
import { afterHandover } from './after-handover.ts';

export function onText(t: Turn, raw: string): void {
  const input = cleanInput(raw);
  if (input.tooLong) say(t, 'too_long', { limit: 2000 }, true);
  let text = input.text;
  t.s.turns = (t.s.turns ?? 0) + 1;
  hearLanguage(t, text);
  if (input.secret) {
    // Warned, never stored; whatever else the message said is still understood.
    log(t, 'u', '[removed: looked like a secret]');
    say(t, 'secret_warning', {}, true);
    text = withoutSecrets(text);
    if (!text) return repeat(t);
  }
  if (input.unprintable) {
    log(t, 'u', '[unreadable]');
    return say(t, 'unprintable');
  }
  if (!text) return say(t, 'empty_input');
  // The answer to "how can the support team reach you?", asked before this hand-over.
  if (t.s.reach === 'asking') return reachAnswered(t, text);
  const proofCode = t.s.proofFor !== undefined ? parseProofCode(text) : undefined;
  if (proofCode) {
    log(t, 'u', '[confirmation code]');
    t.effect = { type: 'confirm-proof', code: proofCode };
    return;
  }
  takeFacts(t, text);
  // A problem with a question beside it: the problem is read from its own words, the question answered first.
  const { meaning, beside } = readBeside(t, text);
  t.meaning = meaning;
  // Someone else on the account wins over everything, a hand-over included.
  if (takeoverDecides(t, text)) return;
  if (doubtAsks(t, text)) return;
  if (t.s.status === 'handed') return afterHandover(t, text, meaning);
  if (feedbackText(t, text, meaning)) return;
  if (askedOnceAndPassed(t, text)) return;
  if (repaired(t, text)) return;
  if (valueCorrected(t, text) || platformCorrected(t, text)) return;
  if (!t.corrected && (codeDoubtAnswered(t, text) || tokenStateAsked(t, text) || codeTypedElsewhere(t) || foundRecalled(t, text))) return;
  // A question for the knowledge base, at any prompt: answered, then back to the prompt.
  if (!promptFactGiven(t) && !t.env.understanding.says('thanks', text) && answerFromKnowledge(t, text, meaning)) return factsNow(t);
  if (promptAnswered(t, text, meaning)) return factsNow(t);
  log(t, 'u', text);
  if (beside.length && (meaning.action === 'topic' || t.facts.device)) answerBeside(t, beside);
  if (factsDecide(t, text)) return;
  if (bareNameTaken(t, meaning, text)) return factsNow(t);
  if (questionAtAQuestion(t, text, meaning)) return;
  act(t, meaning, text);
  factsNow(t);
}

/**
 * A username said in passing while a question that waits for the account's facts is open: that
 * question is held back until the account and token are looked up (they may lead elsewhere).
 */
function factsNow(t: Turn): void {
  if (t.effect || t.s.status !== 'active' || !(t.heard.includes('username') || t.heard.includes('email'))) return;
  const step = currentStep(t);
  if (step?.kind !== 'ask' || !step.facts || !t.s.step) return;
  if (t.replies.at(-1)?.kind === 'choices') t.replies.pop();
  enter(t, t.s.step);
}

/**
 * Only a username, where nothing else was understood: at a question with choices whose answer the
 * account's facts decide ("carol" at "which fits you best?"), the account is looked up before it is
 * asked again; at a yes/no question it is said back and the question asked again; at the menu,
 * the topic `opens.intents.username` names starts with it (the account and token looked up, their
 * state leading). Kept every way, so it is never asked for.
 */
function bareNameTaken(t: Turn, meaning: Meaning, text: string): boolean {
  if (meaning.action !== 'unclear' || t.s.status === 'handed' || t.s.subject.user || t.env.requireProof) return false;
  const step = t.s.status === 'active' ? currentStep(t) : undefined;
  const opening = t.s.status === 'active' ? undefined : parseOpening(opensOf(t.env.flows, t.env.opens).intents.username);
  if (t.s.status === 'active' ? step?.kind !== 'ask' || !(step.facts || isYesNo(step)) : !opening) return false;
  const name = bareUsername(text);
  if (!name || isCommonWord(text)) return false;
  log(t, 'u', name);
  takeUser(t, name);
  t.heard = [...t.heard, 'username'];
  if (opening) startFlow(t, opening.flow, opening.step);
  // At a yes/no question the account's facts do not decide (its answers are few and known, so a
  // lone name is the person's own): kept for when it is needed, and the question again.
  else if (step?.kind === 'ask' && !step.facts) {
    say(t, 'username_noted', { user: name });
    repeat(t);
  }
  return true;
}

/** A question answered by yes or no alone. */
function isYesNo(step: Extract<Step, { kind: 'ask' }>): boolean {
  const answers = Object.entries(step.choices).map(([id, c]) => (id === 'yes' || id === 'no' || typeof c === 'string' ? id : (c.intent ?? id)));
  return answers.sort().join(' ') === 'no yes';
}

function act(t: Turn, meaning: Meaning, text: string): void {
  const step = currentStep(t);
  if (t.env.understanding.says('thanks', text) && thanksEnds(t, meaning, step, text)) return answerIntent(t, 'thanks', step);
  // After the end, "ok" or "no" to "anything else?" starts nothing: where to go from here, said once.
  if (t.s.status === 'ended' && meaning.action === 'answer' && (meaning.intent === 'no' || (meaning.intent === 'yes' && t.env.understanding.says('closing', text)))) return close(t, 'ended_next');
  switch (meaning.action) {
    case 'choice':
      return choose(t, meaning.choice as string, false);
    case 'topic':
      if (askBetween(t, meaning)) return;
      return startTopic(t, meaning.topic as string);
    case 'handover':
      return handOver(t, text);
    case 'menu':
      return menu(t, 'menu_prompt');
    case 'skip':
      if (t.s.status === 'active' && step?.kind === 'input' && step.skip) return enter(t, step.skip);
      say(t, 'nothing_to_skip');
      return repeat(t);
    case 'answer':
      return answerIntent(t, meaning.intent ?? '', step, text);
    case 'unclear':
      return unclear(t, meaning, step, text);
  }
}

/**
 * "OK, thanks" ends, unless it picks a choice: politeness composed with an answer ("yes thanks",
 * "ja tack", "no thank you") is the answer. Thanks alone that stands for a yes closes the question
 * ("Did that solve it?"), but does not start something new ("Do you want to set it up now?").
 */
function thanksEnds(t: Turn, meaning: Meaning, step: Step | undefined, text: string): boolean {
  if (meaning.action === 'handover' || meaning.action === 'skip') return false;
  if (meaning.action !== 'choice') return true;
  if (t.env.understanding.says('polite_answer', text)) return false;
  if (step?.kind !== 'ask' || !meaning.choice) return false;
  const c = step.choices[meaning.choice];
  const isYes = meaning.choice === 'yes' || (c !== undefined && typeof c !== 'string' && c.intent === 'yes');
  return isYes && (typeof c === 'string' ? c : c?.next) !== END;
}
