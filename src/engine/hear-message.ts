// Every message is heard before it is understood: its language (one a conversation, switched only
// clearly) and its facts (a username, a code held for its check, the phone), whatever was asked.
import { languageOfWord } from '../understanding/language.ts';
import { retypedUsername } from '../understanding/extract-username.ts';
import { codeInText, sealCode } from './held-code.ts';
import { setSlot, fillSlots } from './slots.ts';
import { currentStep, enter, handoverFlow, source } from './walk.ts';
import { log, say } from './say.ts';
import type { Turn } from './turn.ts';

/** Below this, a language guess does not decide; a switch needs more, and a few words at least. */
const LANG_FIRST = 0.6;
const LANG_SWITCH = 0.85;
const LANG_SWITCH_WORDS = 4;

/** How sure "this code is one I noted down" must be, said in the message that holds the code. */
const NOTED_CODE = 0.9;

/** One language per conversation: the first clear message decides it, only a clear switch changes it. */
export function hearLanguage(t: Turn, text: string): void {
  if (t.s.langFixed) return;
  const words = letterWords(text);
  // Once the language is heard, a message too short to switch it is not identified at all.
  if (t.s.langHeard && words < LANG_SWITCH_WORDS) return;
  // One word of the helpdesk's own in one language only ("kod", "konto", "mejl") decides it.
  const own = words < 2 ? languageOfWord(text) : undefined;
  if (own) {
    t.s.lang = own;
    t.s.langHeard = true;
    return;
  }
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
export function takeFacts(t: Turn, text: string): void {
  const facts = t.env.understanding.facts(text, t.s.langHeard || t.s.langFixed ? t.s.lang : undefined);
  t.facts = facts;
  const step = currentStep(t);
  const atCode = t.s.status === 'active' && step?.kind === 'input' && step.input === 'code';
  // A code at its own prompt is the answer, counted there; anywhere else it is held for later.
  const before = { ...t.s.slots };
  t.heard = fillSlots(t.s.slots, { ...facts, codes: atCode ? 0 : facts.codes }, source(t, 'extract'), t.env.now);
  for (const name of t.heard) if (before[name] !== undefined && name !== 'codes') t.replaced[name] = (before[name] as { v: unknown }).v;
  if (!atCode && facts.codes > 0) {
    const code = codeInText(text);
    if (code) t.s.heldCode = { c: sealCode(code, t.env.codeKey, t.s.id), t: t.env.now };
    // "I wrote down the first code and use it every time": said with the code, it is a noted one.
    const [noted] = t.env.understanding.rank(text, (l) => l === 'intent:first_code', 1);
    if (noted && noted.score >= NOTED_CODE) setSlot(t.s.slots, 'codeNoted', true, source(t, 'extract'), t.env.now);
  }
  // Said with or without the code: a code that is old later is the noted one, not a slow clock.
  if (facts.codeNoted) setSlot(t.s.slots, 'codeNoted', true, source(t, 'extract'), t.env.now);
  const known = t.s.subject.identity === 'claimed' ? t.s.subject.user : undefined;
  const user = facts.username ?? facts.email ?? (known ? retypedUsername(text, known) : undefined);
  const atUsername = t.s.status === 'active' && step?.kind === 'input' && step.input === 'username';
  if (user && !atUsername && !t.env.requireProof) takeUser(t, user);
}

/**
 * A username given in passing is used; a different one from before is a correction, at any time:
 * what was found about the other account is dropped, the person is told in one line, and the topic
 * their words chose starts again, so the checks run on the corrected name (a topic the wrong name's
 * facts led to, such as "no account", is not kept).
 */
export function takeUser(t: Turn, user: string): void {
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

/** Words of two letters or more: what "a few words" counts. */
export const letterWords = (text: string) => text.split(/\s+/).filter((w) => /\p{L}{2}/u.test(w)).length;

function isChannelIdentity(identity: string | undefined): boolean {
  return identity !== undefined && identity !== 'claimed';
}
