// A message after a ticket: the wait, a polite close, a follow-up to the same ticket (a code checked
// first), or a clearly new problem.
import { redactCodes } from '../understanding/input.ts';
import type { Meaning } from '../ports/understanding.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { slotValue } from './slots.ts';
import { codeInText } from './held-code.ts';
import { fingerprint } from './walk.ts';
import { line, log, menu, say } from './say.ts';
import type { Turn } from './turn.ts';
import { answerFromKnowledge } from './knowledge-turn.ts';
import { sayReach } from './reach.ts';
import { close } from './intent-answer.ts';
import { factsDecide, startTopic } from './facts-decide.ts';
import { letterWords } from './hear-message.ts';

/** "Thanks" with at most this many words is a thanks, not news for the ticket ("thanks again, bye"). */
const THANKS_ONLY_WORDS = 5;

/** Words that only close: said after a hand-over or at rest, they end the conversation politely. */
const CLOSING_INTENTS = new Set(['thanks', 'yes', 'no', 'hello']);

/** After a ticket: the wait, a polite close, a follow-up to the same ticket, or a clearly new problem. */
export function afterHandover(t: Turn, text: string, meaning: Meaning): void {
  log(t, 'u', text);
  const ticket = slotValue(t.s.slots, 'ticket') ?? '';
  // "It works now": marked solved by the person on the same ticket, so staff know; then the end.
  if (t.env.understanding.says('solved', text)) {
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    t.effect = { type: 'escalate', urgent: false, attach: ['transcript'], relatesTo: ticket, solved: true };
    return;
  }
  // "Any news?": where the case stands, from the ticket system when it can tell.
  if (t.env.understanding.says('news_question', text)) {
    t.effect = { type: 'ticket-status', reference: ticket };
    return;
  }
  // "What do I do now?": the advice given with the hand-over again (change passwords, say), and the wait.
  if (t.env.understanding.says('next_question', text)) {
    adviceAgain(t);
    return sayReach(t, 'handover_wait', ticket);
  }
  const waits = meaning.action === 'answer' && meaning.intent === 'wait';
  if (t.facts.wantsHuman || waits || t.env.understanding.says('wait_question', text)) return sayReach(t, 'handover_wait', ticket);
  if (meaning.action === 'menu') return menu(t, 'menu_prompt');
  // Nothing to add ("skip"): where the case stands, not an empty follow-up.
  if (meaning.action === 'skip') return sayReach(t, 'handover_wait', ticket);
  // "ok", "thanks", "hej då" close; a longer message that merely sounds like a yes is more for the ticket.
  const short = text.trim().split(/\s+/).length <= 3;
  if (short && meaning.confidence >= 0.8 && meaning.action === 'answer' && CLOSING_INTENTS.has(meaning.intent ?? '')) return close(t, closingLine(t, text), ticket);
  if (t.env.understanding.says('closing', text)) return close(t, closingLine(t, text), ticket);
  // "Thanks again": a close, not news for staff.
  if (t.env.understanding.says('thanks_word', text) && letterWords(text) <= THANKS_ONLY_WORDS) return close(t, 'handover_closing', ticket);
  if (factsDecide(t, text)) return;
  // Still broken, with a code typed now: checked first, and added to the ticket with what it found.
  const code = t.facts.codes > 0 && t.s.subject.user ? codeInText(text) : undefined;
  if (code) {
    delete t.s.heldCode;
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    if (fingerprint(t, code)) {
      t.effect = { type: 'check', check: 'code', code };
      return;
    }
    say(t, 'same_code_again');
  } else if (meaning.action === 'answer' && meaning.intent === 'still_broken' && t.s.subject.user) {
    // "Still not working" without a code: the token is looked at again (it may have changed), the
    // finding goes to the ticket, and a code typed next would be checked too.
    t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
    say(t, 'followup_code_hint');
    t.effect = { type: 'check', check: 'token' };
    return;
  } else {
    // A question the knowledge base answers ("one more question: which app?"), rather than more for
    // the ticket or a topic its words sound like; the ticket is kept.
    if (!t.env.understanding.says('thanks', text) && answerFromKnowledge(t, text, meaning, false)) return;
    if (meaning.action === 'topic' && meaning.confidence >= 0.5) return startTopic(t, meaning.topic as string);
  }
  // Anything else is more about the same problem: added to the open ticket.
  t.s.note = redactCodes(text).slice(0, USER_TEXT_LIMIT);
  t.effect = { type: 'escalate', urgent: false, attach: ['transcript'], relatesTo: ticket };
}

/** "You are welcome" answers thanks only: a plain "ok", "no" or "bye" thanked no one, and is told the case is with support. */
function closingLine(t: Turn, text: string): 'handover_closing' | 'handover_nothing_more' {
  return t.env.understanding.says('thanks', text) ? 'handover_closing' : 'handover_nothing_more';
}

/** The words the hand-over step said with the ticket ("change your passwords…"), said again. */
function adviceAgain(t: Turn): void {
  for (let i = t.s.transcript.length - 1; i >= 0; i--) {
    const [, who, ref] = t.s.transcript[i]!;
    if (who !== 'b' || !ref.includes('/')) continue;
    const [flowId, stepId] = ref.split('/');
    const flow = t.env.flows.get(flowId ?? '');
    const step = flow?.steps[stepId ?? ''];
    if (step?.kind !== 'escalate') continue;
    if (flow && step.say) t.replies.push({ kind: 'text', text: line(t, flow, step.say) });
    return;
  }
}
