// The answer to the prompt shown, read from the message: a username in a sentence, a code, the
// phone's time, "actually no" while a hand-over is prepared, "thanks" where a value was asked.
import { parseCode, parseIp, parseUsername, redactCodes } from '../understanding/input.ts';
import { isCommonWord } from '../understanding/extract-username.ts';
import { factIn, factRulesOf } from '../understanding/fact-rules.ts';
import { parseDeviceTime } from '../checks/device-time.ts';
import type { Step } from '../flows/schema.ts';
import type { Meaning } from '../ports/understanding.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { codeInText } from './held-code.ts';
import { answerInput, answerUsername, codeAtQuestion, currentStep, enter, handoverFlow, repeat } from './walk.ts';
import { log, menu, say } from './say.ts';
import type { Turn } from './turn.ts';
import { answerIntent, lastBotLine } from './intent-answer.ts';
import { letterWords } from './hear-message.ts';

/** "Actually no" with at most this many words takes back a hand-over not yet filed. */
const CANCEL_WORDS = 6;

/** The answer to the prompt shown, read from the message (a username in a sentence, a code, a time). */
export function promptAnswered(t: Turn, text: string, meaning: Meaning): boolean {
  if (t.corrected) return true;
  const step = currentStep(t);
  // A code typed where "noted down, or on the screen?" was asked: the one on the screen, checked.
  if (t.s.status === 'active' && step?.kind === 'ask' && step.code_given && t.facts.codes > 0 && !t.facts.wantsHuman) {
    const code = codeInText(text);
    if (code) {
      codeAtQuestion(t, code, step.code_given);
      return true;
    }
  }
  if (t.s.status !== 'active' || step?.kind !== 'input') return false;
  // "Actually no" while the hand-over is being prepared: nothing is filed.
  if (t.s.flow === handoverFlow(t) && t.env.understanding.says('cancel', text) && letterWords(text) <= CANCEL_WORDS) {
    log(t, 'u', text);
    delete t.s.note;
    say(t, 'handover_cancelled');
    menu(t, 'menu_prompt');
    return true;
  }
  // "A person", at any prompt, is a hand-over; at the description prompt it is the description.
  if (t.facts.wantsHuman && step.input !== 'text') return false;
  if (step.input === 'username') {
    const given = t.facts.username ?? t.facts.email;
    if (given) {
      answerUsername(t, text, step, given);
      return true;
    }
    if (t.facts.codes > 0) {
      // A code where a username was asked: never taken as a name, never echoed; kept for its check.
      log(t, 'u', '[code]');
      say(t, 'code_not_username');
      repeat(t);
      return true;
    }
  }
  // A code inside a sentence ("code: 739966", "koden är 016902") is the answer, unless the sentence is about it ("I noted it down").
  if (step.input === 'code' && t.facts.codes > 0 && (meaning.action !== 'answer' || meaning.intent === null)) {
    const code = codeInText(text);
    if (code) {
      answerInput(t, code, step);
      return true;
    }
  }
  // The phone's time, said at the code prompt: the clock is checked with it, not a code asked again.
  if (step.input === 'code' && step.time_given && t.heard.includes('deviceTime') && t.facts.codes === 0 && !t.s.findings.some((f) => f.id === 'clock')) {
    log(t, 'u', text);
    enter(t, step.time_given);
    return true;
  }
  if (step.input === 'device_time' && t.facts.deviceTime && meaning.action !== 'answer') {
    answerInput(t, t.facts.deviceTime, step);
    return true;
  }
  // "OK, I'll wait then, thanks": an end, not a wrong answer.
  if (step.input !== 'text' && t.env.understanding.says('thanks', text) && meaning.action !== 'handover') {
    log(t, 'u', text);
    answerIntent(t, 'thanks', step);
    return true;
  }
  // In the hand-over topic, words about the problem where a username was asked are the description.
  if (step.input === 'username' && t.s.flow === handoverFlow(t) && meaning.action !== 'skip' && letterWords(text) >= 4) {
    log(t, 'u', text);
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    t.s.tries._note = t.s.turns ?? 0;
    enter(t, step.skip ?? step.next);
    return true;
  }
  // Only what nothing else understood: a global intent ("how long does it take?") is answered as such.
  const unread = meaning.action === 'unclear' || (meaning.action === 'answer' && meaning.intent === null);
  if (unread && notTheAnswer(t, text, step)) {
    log(t, 'u', text);
    answerIntent(t, 'dont_know', step);
    return true;
  }
  if (step.input === 'text' || (meaning.action === 'answer' && meaning.intent === null)) {
    answerInput(t, text, step);
    return true;
  }
  return false;
}

type InputStep = Extract<Step, { kind: 'input' }>;

/**
 * A prompt asked once (`otherwise`, the account before an urgent hand-over): a reply that does not
 * give its answer ("I don't know", "what do I do now?", "ok") goes on without it, never asked again.
 * "Actually no" is still heard as such.
 */
export function askedOnceAndPassed(t: Turn, text: string): boolean {
  const step = currentStep(t);
  if (t.s.status !== 'active' || step?.kind !== 'input' || !step.otherwise) return false;
  if (t.env.understanding.says('cancel', text)) return false;
  const parsed = PARSES[step.input as Exclude<InputStep['input'], 'text'>]?.(text);
  const given = step.input === 'username' ? (t.facts.username ?? t.facts.email ?? (parsed !== undefined && !isCommonWord(text))) : parsed !== undefined;
  if (given) return false;
  log(t, 'u', text);
  enter(t, step.otherwise);
  return true;
}

const PARSES: Record<Exclude<InputStep['input'], 'text'>, (text: string) => unknown> = {
  ip: parseIp,
  username: parseUsername,
  code: parseCode,
  device_time: parseDeviceTime,
};

/**
 * What was typed at a prompt is not its answer, and a format error would not help: a question
 * ("which address?", "where do I find it?") that does not parse as the answer, or a common word
 * ("kod", "help") where a username was asked, unless typed again after the help. The prompt's own
 * help is the answer, then the prompt.
 */
function notTheAnswer(t: Turn, text: string, step: InputStep): boolean {
  if (step.input === 'text') return false;
  if (step.input === 'username' && isCommonWord(text)) return lastBotLine(t.s.transcript) !== 'sys:username_help';
  const question = factRulesOf(t.env.flows).get('question');
  return question !== undefined && factIn(question, text) !== undefined && PARSES[step.input as Exclude<InputStep['input'], 'text'>](text) === undefined;
}

/** The message gives what the prompt asks for (a username in a sentence, a code, the phone's time): it is the answer. */
export function promptFactGiven(t: Turn): boolean {
  const step = currentStep(t);
  if (t.s.status !== 'active' || step?.kind !== 'input') return false;
  if (step.input === 'username') return Boolean(t.facts.username ?? t.facts.email) || t.facts.codes > 0;
  if (step.input === 'code') return t.facts.codes > 0 || t.heard.includes('deviceTime');
  return step.input === 'device_time' && t.facts.deviceTime !== undefined;
}
