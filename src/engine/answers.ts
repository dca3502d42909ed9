// A message from the person: its language and facts first (every message, at every step), then what
// it means where the conversation stands: an answer, a choice, a new topic, a person, or unclear.
import type { SystemKey } from '../i18n/catalogue.ts';
import { cleanInput, parseProofCode, redactCodes, withoutSecrets } from './input.ts';
import type { Choice } from './replies.ts';
import { interpret, type Interpretation } from './interpret.ts';
import { END, type Step } from './schema.ts';
import { USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import { fillSlots, setSlot, slotValue, type Extraction, type SlotName } from './slots.ts';
import { codeInText, sealCode } from './held-code.ts';
import { hear, identify } from './hear.ts';
import { opensOf, parseOpening } from './intents.ts';
import { Steps } from './steps.ts';

/** Below this, a language guess does not decide; a switch needs more, and a few words at least. */
const LANG_FIRST = 0.6;
const LANG_SWITCH = 0.85;
const LANG_SWITCH_WORDS = 4;
/** How sure "this code is one I noted down" must be, said in the message that holds the code. */
const NOTED_CODE = 0.9;

const OUT_OF_SCOPE_LINE: Record<NonNullable<Extraction['outOfScope']>, SystemKey> = {
  password: 'out_of_scope_password',
  jobs: 'out_of_scope_jobs',
  cluster_down: 'out_of_scope_cluster_down',
};

/** Words that only close: said after a hand-over or at rest, they end the conversation politely. */
const CLOSING_INTENTS = new Set(['thanks', 'yes', 'no', 'hello']);

export class Answers extends Steps {
  /** What this message said that changed the slots (a fact given now, or a correction). */
  protected heard: SlotName[] = [];
  protected facts: Extraction = { codes: 0 };

  onText(raw: string): void {
    const input = cleanInput(raw);
    if (input.tooLong) this.say('too_long', { limit: 2000 }, true);
    let text = input.text;
    this.s.turns = (this.s.turns ?? 0) + 1;
    this.hearLanguage(text);
    if (input.secret) {
      // Warned, never stored; whatever else the message said is still understood.
      this.log('u', '[removed: looked like a secret]');
      this.say('secret_warning', {}, true);
      text = withoutSecrets(text);
      if (!text) return this.repeat();
    }
    if (input.unprintable) {
      this.log('u', '[unreadable]');
      return this.say('unprintable');
    }
    if (!text) return this.say('empty_input');
    const proofCode = this.s.proofFor !== undefined ? parseProofCode(text) : undefined;
    if (proofCode) {
      this.log('u', '[confirmation code]');
      this.effect = { type: 'confirm-proof', code: proofCode };
      return;
    }
    this.takeFacts(text);
    const meaning = interpret(this.env, this.s, text);
    if (this.s.status === 'handed') return this.afterHandover(text, meaning);
    if (this.promptAnswered(text, meaning)) return;
    this.log('u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
    if (this.factsDecide(text)) return;
    this.act(meaning, text);
  }

  /** One language per conversation: the first clear message decides it, only a clear switch changes it. */
  private hearLanguage(text: string): void {
    if (this.s.langFixed) return;
    const words = text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;
    // Once the language is heard, a message too short to switch it is not identified at all.
    if (this.s.langHeard && words < LANG_SWITCH_WORDS) return;
    const { lang, confidence } = identify(text);
    if (!lang) return;
    if (!this.s.langHeard) {
      if (confidence < LANG_FIRST) return;
      // One word decides only when it is a phrase the helpdesk knows ("hej", "tack"), not any word.
      if (words < 2 && !this.env.understanding.rank(text, () => true, 3).some((g) => g.lang === lang && g.score >= 0.99)) return;
      this.s.lang = lang;
      this.s.langHeard = true;
      return;
    }
    if (lang !== this.s.lang && confidence >= LANG_SWITCH && words >= LANG_SWITCH_WORDS) this.s.lang = lang;
  }

  /** Every message is read for facts, whatever was asked; a code typed early is held for its check. */
  private takeFacts(text: string): void {
    const facts = hear(text, this.s.langHeard || this.s.langFixed ? this.lang : undefined, this.env.flows);
    this.facts = facts;
    const step = this.currentStep();
    const atCode = this.s.status === 'active' && step?.kind === 'input' && step.input === 'code';
    // A code at its own prompt is the answer, counted there; anywhere else it is held for later.
    this.heard = fillSlots(this.s.slots, { ...facts, codes: atCode ? 0 : facts.codes }, this.source('extract'), this.env.now);
    if (!atCode && facts.codes > 0) {
      const code = codeInText(text);
      if (code) this.s.heldCode = { c: sealCode(code, this.env.codeKey, this.s.id), t: this.env.now };
      // "I wrote down the first code and use it every time": said with the code, it is a noted one.
      const [noted] = this.env.understanding.rank(text, (l) => l === 'intent:first_code', 1);
      if (facts.codeNoted || (noted && noted.score >= NOTED_CODE)) setSlot(this.s.slots, 'codeNoted', true, this.source('extract'), this.env.now);
    }
    const user = facts.username ?? facts.email;
    const atUsername = this.s.status === 'active' && step?.kind === 'input' && step.input === 'username';
    if (user && !atUsername && !this.env.requireProof) this.takeUser(user);
  }

  /** A username given in passing is used; a different one from before is a correction. */
  private takeUser(user: string): void {
    const before = this.s.subject.user;
    if (before === user || isChannelIdentity(this.s.subject.identity)) return;
    this.s.subject.user = user;
    if (user.includes('@')) this.s.subject.email = user;
    this.s.subject.identity = 'claimed';
    if (before) {
      // What was found about the other account does not hold for this one.
      this.s.findings = this.s.findings.filter((f) => f.id !== 'account' && f.id !== 'token' && f.id !== 'code');
      this.say('username_corrected', { user });
      const flow = this.flow();
      if (this.s.status === 'active' && flow) {
        this.s.tries = {};
        this.enter(flow.start);
        this.corrected = true;
      }
    }
  }

  private corrected = false;

  /** The answer to the prompt shown, read from the message (a username in a sentence, a code, a time). */
  private promptAnswered(text: string, meaning: Interpretation): boolean {
    if (this.corrected) return true;
    const step = this.currentStep();
    if (this.s.status !== 'active' || step?.kind !== 'input') return false;
    // "A person", at any prompt, is a hand-over; at the description prompt it is the description.
    if (this.facts.wantsHuman && step.input !== 'text') return false;
    if (step.input === 'username') {
      const given = this.facts.username ?? this.facts.email;
      if (given) {
        this.answerUsername(text, step, given);
        return true;
      }
      if (this.facts.codes > 0) {
        // A code where a username was asked: never taken as a name, never echoed; kept for its check.
        this.log('u', '[code]');
        this.say('code_not_username');
        this.repeat();
        return true;
      }
    }
    if (step.input === 'code' && this.facts.codes > 0 && meaning.action !== 'answer') {
      const code = codeInText(text);
      if (code) {
        this.answerInput(code, step);
        return true;
      }
    }
    // The phone's time, said at the code prompt: the clock is checked with it, not a code asked again.
    if (step.input === 'code' && step.time_given && this.heard.includes('deviceTime') && this.facts.codes === 0 && !this.s.findings.some((f) => f.id === 'clock')) {
      this.log('u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
      this.enter(step.time_given);
      return true;
    }
    if (step.input === 'device_time' && this.facts.deviceTime && meaning.action !== 'answer') {
      this.answerInput(this.facts.deviceTime, step);
      return true;
    }
    // "OK, I'll wait then, thanks": an end, not a wrong answer.
    if (step.input !== 'text' && isThanks(text) && meaning.action !== 'handover') {
      this.log('u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
      this.answerIntent('thanks', step);
      return true;
    }
    // In the hand-over topic, words about the problem where a username was asked are the description.
    if (step.input === 'username' && this.s.flow === this.handoverFlow() && meaning.action !== 'skip' && words(text) >= 4) {
      this.log('u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
      this.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
      this.s.tries._note = this.s.turns ?? 0;
      this.enter(step.skip ?? step.next);
      return true;
    }
    if (step.input === 'text' || (meaning.action === 'answer' && meaning.intent === null)) {
      this.answerInput(text, step);
      return true;
    }
    return false;
  }

  /** Facts that decide what happens whatever the classifier thinks: a person, a takeover, out of scope, the phone. */
  private factsDecide(text: string): boolean {
    const opens = opensOf(this.env.flows, this.env.opens);
    if (this.facts.wantsHuman) {
      this.handOver(text);
      return true;
    }
    const takeover = parseOpening(opens.takeover);
    if (this.facts.takeover && takeover && this.s.flow !== takeover.flow) {
      this.startFlow(takeover.flow, takeover.step);
      return true;
    }
    const active = this.s.status === 'active';
    if (this.facts.outOfScope && !active) {
      this.say(OUT_OF_SCOPE_LINE[this.facts.outOfScope]);
      this.menu('menu_prompt');
      return true;
    }
    const clock = parseOpening(opens.device_time);
    // In a topic, at a question that is not about it: a first message's topic walks there itself.
    if (clock?.step && active && this.heard.includes('deviceTime') && !this.s.findings.some((f) => f.id === 'clock')) {
      if (this.s.flow === clock.flow) {
        this.enter(clock.step);
        return true;
      }
      if (this.currentStep()?.kind === 'ask') {
        this.startFlow(clock.flow, clock.step);
        return true;
      }
    }
    const device = this.facts.device;
    const opening = device ? parseOpening(opens.device[device]) : undefined;
    if (opening && (!active || (this.s.flow !== opening.flow && this.currentStep()?.kind !== 'input'))) {
      this.startFlow(opening.flow, opening.step);
      return true;
    }
    // Said now at a question of the very topic it opens ("only a flip phone" at "where are you in
    // the setup?"): that topic's step for it, not the question again.
    if (opening?.step && active && this.s.flow === opening.flow && this.s.step !== opening.step && this.heard.includes('device') && this.currentStep()?.kind === 'ask') {
      this.enter(opening.step);
      return true;
    }
    return false;
  }

  /** A person, now, with what is known: in a topic the ticket goes at once; from the menu, the hand-over topic. */
  handOver(text: string): void {
    const human = this.handoverFlow();
    if (this.s.status === 'active' && this.flow()) {
      this.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
      this.s.step = null;
      const open = slotValue(this.s.slots, 'ticket');
      this.effect = { type: 'escalate', urgent: false, attach: ['transcript', 'checks'], ...(open ? { relatesTo: open } : {}) };
      return;
    }
    if (!human) return this.menu('menu_prompt');
    this.startFlow(human);
  }

  private act(meaning: Interpretation, text: string): void {
    const step = this.currentStep();
    if (isThanks(text) && this.thanksEnds(meaning, step)) return this.answerIntent('thanks', step);
    switch (meaning.action) {
      case 'choice':
        return this.choose(meaning.choice as string, false);
      case 'topic':
        return this.startTopic(meaning.topic as string);
      case 'handover':
        return this.handOver(text);
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

  /**
   * "OK, thanks" ends, unless it picks a choice: a yes that closes the question ("Did that solve
   * it?"), not a yes that starts something new ("Do you want to set it up now?").
   */
  private thanksEnds(meaning: Interpretation, step: Step | undefined): boolean {
    if (meaning.action === 'handover' || meaning.action === 'skip') return false;
    if (meaning.action !== 'choice') return true;
    if (step?.kind !== 'ask' || !meaning.choice) return false;
    const c = step.choices[meaning.choice];
    const isYes = meaning.choice === 'yes' || (c !== undefined && typeof c !== 'string' && c.intent === 'yes');
    return isYes && (typeof c === 'string' ? c : c?.next) !== END;
  }

  /** A topic, started where what the person said already answers its first question. */
  startTopic(flowId: string): void {
    const opens = opensOf(this.env.flows, this.env.opens);
    const device = slotValue(this.s.slots, 'device');
    const at = device ? parseOpening(opens.device[device]) : undefined;
    this.startFlow(flowId, at?.flow === flowId ? at.step : undefined);
  }

  /** After a ticket: the wait, a polite close, a follow-up to the same ticket, or a clearly new problem. */
  private afterHandover(text: string, meaning: Interpretation): void {
    this.log('u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
    const ticket = slotValue(this.s.slots, 'ticket') ?? '';
    const waits = meaning.action === 'answer' && meaning.intent === 'wait';
    if (this.facts.wantsHuman || waits || isWaitQuestion(text)) return this.say('handover_wait', { ticket });
    if (meaning.action === 'menu') return this.menu('menu_prompt');
    // Nothing to add ("skip"): where the case stands, not an empty follow-up.
    if (meaning.action === 'skip') return this.say('handover_wait', { ticket });
    // "ok", "thanks", "hej då" close; a longer message that merely sounds like a yes is more for the ticket.
    const short = text.trim().split(/\s+/).length <= 3;
    if (short && meaning.confidence >= 0.8 && meaning.action === 'answer' && CLOSING_INTENTS.has(meaning.intent ?? '')) return this.close('handover_closing', { ticket });
    if (isClosing(text)) return this.close('handover_closing', { ticket });
    if (this.factsDecide(text)) return;
    if (meaning.action === 'topic' && meaning.confidence >= 0.5) return this.startTopic(meaning.topic as string);
    // Anything else is more about the same problem: added to the open ticket.
    this.s.note = redactCodes(text.slice(0, USER_TEXT_LIMIT));
    this.effect = { type: 'escalate', urgent: false, attach: ['transcript'], relatesTo: ticket };
  }

  /**
   * A polite close, said once: "ok" then "thanks" gets the closing line, then a short "take care",
   * then nothing more (the same line again says nothing new).
   */
  private close(key: SystemKey, extra: Record<string, unknown> = {}): void {
    const said = lastBotLine(this.s.transcript);
    if (said === 'sys:closing_again') return;
    this.say(said === `sys:${key}` || said === 'sys:handover_closing' || said === 'sys:welcome' ? 'closing_again' : key, extra);
  }

  /** A global intent answered in place; the conversation stays where it was. */
  answerIntent(intent: string, step: Step | undefined): void {
    const active = this.s.status === 'active';
    const opens = opensOf(this.env.flows, this.env.opens);
    switch (intent) {
      case 'dont_know': {
        const key: SystemKey =
          step?.kind === 'input'
            ? ({ ip: 'ip_help', username: 'username_help', code: 'code_help', device_time: 'time_help', text: 'text_help' } as const)[step.input]
            : 'pick_help';
        this.say(key);
        return active ? this.repeat() : this.menu('menu_prompt');
      }
      case 'nothing_sent': {
        const topic = parseOpening(opens.intents.nothing_sent);
        if (!active && topic) return this.startFlow(topic.flow, topic.step);
        this.say('nothing_sent_note');
        return this.repeat();
      }
      case 'first_code': {
        this.say('first_code_note');
        const topic = parseOpening(opens.intents.first_code);
        return active || !topic ? this.repeat() : this.startFlow(topic.flow, topic.step);
      }
      case 'hello':
        return active ? this.repeat() : this.menu('menu_prompt');
      case 'stop':
        this.effect = { type: 'unwatch' };
        return;
      case 'thanks':
        // "Thanks" ends: nothing more is asked.
        this.close('welcome');
        this.s.status = 'ended';
        this.s.flow = null;
        this.s.step = null;
        return;
      case 'yes':
      case 'no':
      case 'still_broken':
        // A yes or no (or "still not working") with no question asked.
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
    if (this.s.status === 'ended' && isClosing(text)) return this.close('welcome');
    if (meaning.intent === 'none' || (!meaning.intent && /\p{L}{3}/u.test(text))) {
      this.say('out_of_scope');
      return this.menu('menu_prompt');
    }
    this.menu(this.s.status === 'ended' ? 'ended_hint' : 'not_understood');
  }
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

// Short closings and questions about the wait, in both languages: after a hand-over these must not
// open a topic (the classifier has no "wait" intent to learn them from yet).
const CLOSING = /^(ok(ay|ej|ey)?|k|thanks?( you)?( so much)?|thx|ty|tack( så mycket| sa mycket)?|tackar|great|fine|bra|fint|perfekt|perfect|super|good|alright|cool)[\s!.,:)]*$/iu;
const WAIT = /\b(how long|when will|when do|when can|how soon|wait(ing)?|hur l[aä]nge|hur l[aå]ng tid|n[aä]r (f[aå]r|svarar|h[oö]r|kommer|kan)|v[aä]nta(r)?)\b/iu;

export function isClosing(text: string): boolean {
  return CLOSING.test(text.trim());
}

const THANKS = /\b(thanks?|thank you|thx|tack(ar|sa)?|tusen tack)\b/iu;

// "It works now" / "nu funkar det": solved, unless it says it does not.
const SOLVED = /\b(works now|it works|that worked|worked now|it worked|nu (gick|funkar|fungerar) det|det (funkar|fungerar|gick) nu|nu gick det|löst|solved)\b/iu;
const NEGATED = /\b(not|n't|no longer|inte|ej|aldrig|never)\b|n't/iu;

export function isThanks(text: string): boolean {
  return THANKS.test(text) || (SOLVED.test(text) && !NEGATED.test(text));
}

export function isWaitQuestion(text: string): boolean {
  return WAIT.test(text);
}

