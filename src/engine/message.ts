// A message from the person: its language and facts first (every message, at every step), then what
// it means where the conversation stands: an answer, a choice, a new topic, a person, or unclear.
import type { SystemKey } from '../i18n/catalogue.ts';
import { cleanInput, redactCodes, withoutSecrets } from '../understanding/input.ts';
import { bareUsername } from '../understanding/extract-username.ts';
import { parseProofCode } from './proof-code.ts';
import type { Choice } from './replies.ts';
import type { Meaning } from '../ports/understanding.ts';
import { END, type Step } from '../flows/schema.ts';
import { USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import { fillSlots, setSlot, slotValue, type Extraction } from './slots.ts';
import { codeInText, sealCode } from './held-code.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import { answerInput, answerUsername, choicesOf, codeAtQuestion, choose, currentStep, enter, fingerprint, handoverFlow, repeat, source, startFlow } from './walk.ts';
import { currentFlow, line, log, menu, say, sys } from './say.ts';
import type { Turn } from './turn.ts';
import { repaired } from './repair.ts';
import { feedbackText } from './outcome.ts';
import { takeoverDecides } from './takeover-turn.ts';
import { answerFromKnowledge } from './knowledge-turn.ts';
import { interrupt } from './interrupt.ts';
import { fileHandover, reachAnswered, sayReach } from './reach.ts';

/** Below this, a language guess does not decide; a switch needs more, and a few words at least. */
const LANG_FIRST = 0.6;
const LANG_SWITCH = 0.85;
const LANG_SWITCH_WORDS = 4;
/** "Thanks" with at most this many words is a thanks, not news for the ticket ("thanks again, bye"). */
const THANKS_ONLY_WORDS = 5;
/** "Actually no" with at most this many words takes back a hand-over not yet filed. */
const CANCEL_WORDS = 6;
/** How sure "this code is one I noted down" must be, said in the message that holds the code. */
const NOTED_CODE = 0.9;

const OUT_OF_SCOPE_LINE: Record<NonNullable<Extraction['outOfScope']>, SystemKey> = {
  password: 'out_of_scope_password',
  jobs: 'out_of_scope_jobs',
  cluster_down: 'out_of_scope_cluster_down',
};

/** Words that only close: said after a hand-over or at rest, they end the conversation politely. */
const CLOSING_INTENTS = new Set(['thanks', 'yes', 'no', 'hello']);

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
  const meaning = t.env.understanding.meaning(text, t.s);
  t.meaning = meaning;
  // Someone else on the account wins over everything, a hand-over included.
  if (takeoverDecides(t, text)) return;
  if (t.s.status === 'handed') return afterHandover(t, text, meaning);
  if (feedbackText(t, text, meaning)) return;
  if (repaired(t, text)) return;
  // A question for the knowledge base, at any prompt: answered, then back to the prompt.
  if (!promptFactGiven(t) && !t.env.understanding.says('thanks', text) && answerFromKnowledge(t, text, meaning)) return factsNow(t);
  if (promptAnswered(t, text, meaning)) return factsNow(t);
  log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
  if (factsDecide(t, text)) return;
  if (bareNameTaken(t, meaning, text)) return factsNow(t);
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
 * asked again; at the menu, the topic `opens.intents.username` names starts with it (the account
 * and token looked up, their state leading). Kept either way, so it is never asked for.
 */
function bareNameTaken(t: Turn, meaning: Meaning, text: string): boolean {
  if (meaning.action !== 'unclear' || t.s.status === 'handed' || t.s.subject.user || t.env.requireProof) return false;
  const step = t.s.status === 'active' ? currentStep(t) : undefined;
  const opening = t.s.status === 'active' ? undefined : parseOpening(opensOf(t.env.flows, t.env.opens).intents.username);
  if (t.s.status === 'active' ? step?.kind !== 'ask' || !step.facts : !opening) return false;
  const name = bareUsername(text);
  if (!name) return false;
  log(t, 'u', name);
  takeUser(t, name);
  t.heard = [...t.heard, 'username'];
  if (opening) startFlow(t, opening.flow, opening.step);
  return true;
}

/** One language per conversation: the first clear message decides it, only a clear switch changes it. */
function hearLanguage(t: Turn, text: string): void {
  if (t.s.langFixed) return;
  const words = text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;
  // Once the language is heard, a message too short to switch it is not identified at all.
  if (t.s.langHeard && words < LANG_SWITCH_WORDS) return;
  const { lang, confidence } = t.env.understanding.language(text);
  if (!lang) return;
  if (!t.s.langHeard) {
    if (confidence < LANG_FIRST) return;
    // One word decides only when it is a phrase the helpdesk knows ("hej", "tack"), not any word.
    if (words < 2 && !t.env.understanding.rank(text, () => true, 3).some((g) => g.lang === lang && g.score >= 0.99)) return;
    t.s.lang = lang;
    t.s.langHeard = true;
    return;
  }
  if (lang !== t.s.lang && confidence >= LANG_SWITCH && words >= LANG_SWITCH_WORDS) t.s.lang = lang;
}

/** Every message is read for facts, whatever was asked; a code typed early is held for its check. */
function takeFacts(t: Turn, text: string): void {
  const facts = t.env.understanding.facts(text, t.s.langHeard || t.s.langFixed ? t.s.lang : undefined);
  t.facts = facts;
  const step = currentStep(t);
  const atCode = t.s.status === 'active' && step?.kind === 'input' && step.input === 'code';
  // A code at its own prompt is the answer, counted there; anywhere else it is held for later.
  t.heard = fillSlots(t.s.slots, { ...facts, codes: atCode ? 0 : facts.codes }, source(t, 'extract'), t.env.now);
  if (!atCode && facts.codes > 0) {
    const code = codeInText(text);
    if (code) t.s.heldCode = { c: sealCode(code, t.env.codeKey, t.s.id), t: t.env.now };
    // "I wrote down the first code and use it every time": said with the code, it is a noted one.
    const [noted] = t.env.understanding.rank(text, (l) => l === 'intent:first_code', 1);
    if (noted && noted.score >= NOTED_CODE) setSlot(t.s.slots, 'codeNoted', true, source(t, 'extract'), t.env.now);
  }
  // Said with or without the code: a code that is old later is the noted one, not a slow clock.
  if (facts.codeNoted) setSlot(t.s.slots, 'codeNoted', true, source(t, 'extract'), t.env.now);
  const user = facts.username ?? facts.email;
  const atUsername = t.s.status === 'active' && step?.kind === 'input' && step.input === 'username';
  if (user && !atUsername && !t.env.requireProof) takeUser(t, user);
}

/**
 * A username given in passing is used; a different one from before is a correction, at any time:
 * what was found about the other account is dropped, the person is told in one line, and the topic
 * their words chose starts again, so the checks run on the corrected name (a topic the wrong name's
 * facts led to, such as "no account", is not kept).
 */
function takeUser(t: Turn, user: string): void {
  const before = t.s.subject.user;
  if (before === user || isChannelIdentity(t.s.subject.identity)) return;
  t.s.subject.user = user;
  if (user.includes('@')) t.s.subject.email = user;
  t.s.subject.identity = 'claimed';
  if (!before) return;
  t.s.findings = t.s.findings.filter((f) => f.id !== 'account' && f.id !== 'token' && f.id !== 'code');
  delete t.s.lead;
  say(t, 'username_corrected', { user });
  const topic = t.env.flows.get(t.s.topic ?? t.s.flow ?? '');
  if (!topic || t.s.status === 'handed' || t.s.flow === handoverFlow(t)) return;
  if (topic.id !== t.s.flow || t.s.status !== 'active') {
    t.replies.push({ kind: 'text', text: topic.title[t.s.lang], topic: true });
    log(t, 'b', `flow:${topic.id}`);
  }
  t.s.status = 'active';
  t.s.flow = topic.id;
  t.s.tries = {};
  t.corrected = true;
  enter(t, topic.start);
}

/** The answer to the prompt shown, read from the message (a username in a sentence, a code, a time). */
function promptAnswered(t: Turn, text: string, meaning: Meaning): boolean {
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
  if (t.s.flow === handoverFlow(t) && t.env.understanding.says('cancel', text) && words(text) <= CANCEL_WORDS) {
    log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
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
    log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
    enter(t, step.time_given);
    return true;
  }
  if (step.input === 'device_time' && t.facts.deviceTime && meaning.action !== 'answer') {
    answerInput(t, t.facts.deviceTime, step);
    return true;
  }
  // "OK, I'll wait then, thanks": an end, not a wrong answer.
  if (step.input !== 'text' && t.env.understanding.says('thanks', text) && meaning.action !== 'handover') {
    log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
    answerIntent(t, 'thanks', step);
    return true;
  }
  // In the hand-over topic, words about the problem where a username was asked are the description.
  if (step.input === 'username' && t.s.flow === handoverFlow(t) && meaning.action !== 'skip' && words(text) >= 4) {
    log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
    t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    t.s.tries._note = t.s.turns ?? 0;
    enter(t, step.skip ?? step.next);
    return true;
  }
  if (step.input === 'text' || (meaning.action === 'answer' && meaning.intent === null)) {
    answerInput(t, text, step);
    return true;
  }
  return false;
}

/** The message gives what the prompt asks for (a username in a sentence, a code, the phone's time): it is the answer. */
function promptFactGiven(t: Turn): boolean {
  const step = currentStep(t);
  if (t.s.status !== 'active' || step?.kind !== 'input') return false;
  if (step.input === 'username') return Boolean(t.facts.username ?? t.facts.email) || t.facts.codes > 0;
  if (step.input === 'code') return t.facts.codes > 0 || t.heard.includes('deviceTime');
  return step.input === 'device_time' && t.facts.deviceTime !== undefined;
}

/** Facts that decide what happens whatever the classifier thinks: a person, a takeover, out of scope, the phone. */
function factsDecide(t: Turn, text: string): boolean {
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
    t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    t.s.step = null;
    const open = slotValue(t.s.slots, 'ticket');
    fileHandover(t, { type: 'escalate', urgent: false, attach: ['transcript', 'checks'], ...(open ? { relatesTo: open } : {}) });
    return;
  }
  if (!human) return menu(t, 'menu_prompt');
  startFlow(t, human);
}

function act(t: Turn, meaning: Meaning, text: string): void {
  const step = currentStep(t);
  if (t.env.understanding.says('thanks', text) && thanksEnds(t, meaning, step, text)) return answerIntent(t, 'thanks', step);
  switch (meaning.action) {
    case 'choice':
      return choose(t, meaning.choice as string, false);
    case 'topic':
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
      return answerIntent(t, meaning.intent ?? '', step);
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

/** A topic, started where what the person said already answers its first question. */
export function startTopic(t: Turn, flowId: string): void {
  const opens = opensOf(t.env.flows, t.env.opens);
  const device = slotValue(t.s.slots, 'device');
  const at = device ? parseOpening(opens.device[device]) : undefined;
  startFlow(t, flowId, at?.flow === flowId ? at.step : undefined);
}

/** After a ticket: the wait, a polite close, a follow-up to the same ticket, or a clearly new problem. */
function afterHandover(t: Turn, text: string, meaning: Meaning): void {
  log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
  const ticket = slotValue(t.s.slots, 'ticket') ?? '';
  // "It works now": marked solved by the person on the same ticket, so staff know; then the end.
  if (t.env.understanding.says('solved', text)) {
    t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    t.effect = { type: 'escalate', urgent: false, attach: ['transcript'], relatesTo: ticket, solved: true };
    return;
  }
  // "Any news?": where the case stands, from the ticket system when it can tell.
  if (t.env.understanding.says('news_question', text)) {
    t.effect = { type: 'ticket-status', reference: ticket };
    return;
  }
  const waits = meaning.action === 'answer' && meaning.intent === 'wait';
  if (t.facts.wantsHuman || waits || t.env.understanding.says('wait_question', text)) return sayReach(t, 'handover_wait', ticket);
  if (meaning.action === 'menu') return menu(t, 'menu_prompt');
  // Nothing to add ("skip"): where the case stands, not an empty follow-up.
  if (meaning.action === 'skip') return sayReach(t, 'handover_wait', ticket);
  // "ok", "thanks", "hej då" close; a longer message that merely sounds like a yes is more for the ticket.
  const short = text.trim().split(/\s+/).length <= 3;
  if (short && meaning.confidence >= 0.8 && meaning.action === 'answer' && CLOSING_INTENTS.has(meaning.intent ?? '')) return close(t, 'handover_closing', ticket);
  if (t.env.understanding.says('closing', text)) return close(t, 'handover_closing', ticket);
  // "Thanks again": a close, not news for staff.
  if (t.env.understanding.says('thanks_word', text) && words(text) <= THANKS_ONLY_WORDS) return close(t, 'handover_closing', ticket);
  if (factsDecide(t, text)) return;
  // Still broken, with a code typed now: checked first, and added to the ticket with what it found.
  const code = t.facts.codes > 0 && t.s.subject.user ? codeInText(text) : undefined;
  if (code) {
    delete t.s.heldCode;
    t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    if (fingerprint(t, code)) {
      t.effect = { type: 'check', check: 'code', code };
      return;
    }
    say(t, 'same_code_again');
  } else if (meaning.action === 'answer' && meaning.intent === 'still_broken' && t.s.subject.user) {
    // "Still not working" without a code: the token is looked at again (it may have changed), the
    // finding goes to the ticket, and a code typed next would be checked too.
    t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    say(t, 'followup_code_hint');
    t.effect = { type: 'check', check: 'token' };
    return;
  } else {
    if (meaning.action === 'topic' && meaning.confidence >= 0.5) return startTopic(t, meaning.topic as string);
    // A question the knowledge base answers, rather than more for the ticket.
    if (!t.env.understanding.says('thanks', text) && answerFromKnowledge(t, text, meaning, false)) return;
  }
  // Anything else is more about the same problem: added to the open ticket.
  t.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
  t.effect = { type: 'escalate', urgent: false, attach: ['transcript'], relatesTo: ticket };
}

/**
 * A polite close, said once: "ok" then "thanks" gets the closing line, then a short "take care",
 * then nothing more (the same line again says nothing new). After a hand-over the closing line says
 * how the answer comes (reach.ts).
 */
function close(t: Turn, key: SystemKey, ticket?: string): void {
  // `sys:key`, without the reference and the reach a hand-over's lines carry after it.
  const said = lastBotLine(t.s.transcript)?.split(':').slice(0, 2).join(':');
  if (said === 'sys:closing_again') return;
  if (said === `sys:${key}` || said === 'sys:handover_closing' || said === 'sys:welcome') return say(t, 'closing_again');
  if (ticket !== undefined) return sayReach(t, key, ticket);
  say(t, key);
}

/** A global intent answered in place; the conversation stays where it was. */
export function answerIntent(t: Turn, intent: string, step: Step | undefined): void {
  const active = t.s.status === 'active';
  const opens = opensOf(t.env.flows, t.env.opens);
  switch (intent) {
    case 'dont_know': {
      const key: SystemKey =
        step?.kind === 'input'
          ? ({ ip: 'ip_help', username: 'username_help', code: 'code_help', device_time: 'time_help', text: 'text_help' } as const)[step.input]
          : 'pick_help';
      say(t, key);
      return active ? repeat(t) : menu(t, 'menu_prompt');
    }
    case 'nothing_sent': {
      const topic = parseOpening(opens.intents.nothing_sent);
      if (!active && topic) return startFlow(t, topic.flow, topic.step);
      interrupt(t, (x) => say(x, 'nothing_sent_note'), repeat);
      return;
    }
    case 'first_code': {
      const topic = parseOpening(opens.intents.first_code);
      interrupt(t, (x) => say(x, 'first_code_note'), (x) => (topic ? startFlow(x, topic.flow, topic.step) : repeat(x)));
      return;
    }
    case 'hello':
      return active ? repeat(t) : menu(t, 'menu_prompt');
    case 'stop':
      t.effect = { type: 'unwatch' };
      return;
    case 'thanks':
      // "Thanks" ends: nothing more is asked.
      close(t, 'welcome');
      t.s.status = 'ended';
      t.s.flow = null;
      t.s.step = null;
      return;
    case 'yes':
    case 'no':
    case 'still_broken':
      // A yes or no (or "still not working") with no question asked.
      if (active) return repeat(t);
      return menu(t, 'menu_prompt');
    default:
      return repeat(t);
  }
}

/** Not sure: say so, and offer the closest choices (or the topics) as buttons; never just "pick one". */
export function unclear(t: Turn, meaning: Meaning, step: Step | undefined, text: string): void {
  const flow = currentFlow(t);
  if (t.s.status === 'active' && flow && step?.kind === 'ask') {
    const all = choicesOf(t, flow, step);
    const closest = meaning.closest.map((id) => all.find((c) => c.id === id)).filter((c): c is Choice => c !== undefined);
    t.replies.push({ kind: 'choices', prompt: sys(t, 'clarify_choice', { question: line(t, flow, step.ask) }), choices: closest.length >= 2 ? closest : all });
    log(t, 'b', 'sys:clarify_choice');
    return;
  }
  if (t.s.status === 'active' && step?.kind === 'check') return enter(t, t.s.step ?? END);
  if (t.s.status === 'active') return repeat(t);
  if (t.s.status === 'ended' && t.env.understanding.says('closing', text)) return close(t, 'welcome');
  if (meaning.intent === 'none' || (!meaning.intent && /\p{L}{3}/u.test(text))) {
    say(t, 'out_of_scope');
    return menu(t, 'menu_prompt');
  }
  menu(t, t.s.status === 'ended' ? 'ended_hint' : 'not_understood');
}

/** What the bot said last (a catalogue key as `sys:key`), before this turn's message. */
function lastBotLine(transcript: Snapshot['transcript']): string | undefined {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i]![1] === 'b') return transcript[i]![2];
  return undefined;
}

const words = (text: string) => text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;

function isChannelIdentity(identity: string | undefined): boolean {
  return identity !== undefined && identity !== 'claimed';
}
