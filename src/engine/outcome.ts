// How a conversation ended, decided as the turn that ends it runs (a pure part of the transition):
// solved without a person (the person said so, a code verified, the token became active, or a topic
// ended with its answer), or handed over. Abandoned and out of scope are decided later, when the
// conversation has been idle (`settledOutcome`). The first outcome is the conversation's; the runner
// records it once the turn is saved. At the end of a solved topic the person is asked "Did this
// help?" (once), and may add a sentence.
import { redactCodes } from '../understanding/input.ts';
import type { ConversationOutcome, OutcomeMark, SolvedHow } from '../ports/outcomes.ts';
import type { Meaning } from '../ports/understanding.ts';
import type { Lang } from '../i18n/index.ts';
import { USER_TEXT_LIMIT, type Snapshot } from './snapshot.ts';
import type { EngineEvent } from './events.ts';
import { log, say, sys } from './say.ts';
import type { Turn } from './turn.ts';

export const HELPED_YES = '_helped_yes';
export const HELPED_NO = '_helped_no';

/** Bot lines after which an ended topic is not solved: dropped, or the hand-over could not be filed. */
const NOT_SOLVED = new Set(['sys:repair_cancelled', 'sys:escalation_failed', 'sys:handover_cancelled']);
/** Bot lines that say the person confirmed it works ("it works now", "thanks"). */
const CONFIRMED = new Set(['sys:repair_done', 'sys:welcome']);
/** What the bot says when it did not understand a message: the message before it is one for the report. */
const NOT_UNDERSTOOD = new Set(['sys:not_understood', 'sys:clarify_choice', 'sys:out_of_scope', 'sys:pick_one', 'sys:knowledge_unknown']);
const OUT_OF_SCOPE = /^sys:out_of_scope/;

/** The bot lines this turn added to the transcript (the transcript is capped, so counted from the end). */
function linesOfTurn(prev: Snapshot, s: Snapshot): string[] {
  const added = Math.max(0, s.transcript.length - prev.transcript.length);
  return s.transcript.slice(s.transcript.length - added).filter(([, who]) => who === 'b').map(([, , text]) => text);
}

/** The person answered a "did it help / still broken?" question of the topic, other than "still broken". */
function answeredItWorks(t: Turn, prev: Snapshot): boolean {
  const flow = prev.flow ? t.env.flows.get(prev.flow) : undefined;
  const step = flow && prev.step ? flow.steps[prev.step] : undefined;
  if (prev.status !== 'active' || step?.kind !== 'ask') return false;
  return Object.values(step.choices).some((c) => typeof c !== 'string' && c.intent === 'still_broken');
}

function solvedHow(t: Turn, prev: Snapshot, said: string[]): { how: SolvedHow; answered: boolean } | undefined {
  if (said.some((l) => NOT_SOLVED.has(l)) || !prev.flow) return undefined;
  const answered = answeredItWorks(t, prev);
  // A verified code is better evidence than words.
  if (t.s.findings.some((f) => f.code === 'code.valid')) return { how: 'code', answered };
  return { how: answered || said.some((l) => CONFIRMED.has(l)) ? 'confirmed' : 'answered', answered };
}

function mark(t: Turn, kind: OutcomeMark['kind'], flow: string | null, how?: SolvedHow): void {
  t.s.outcome = { kind, ...(how ? { how } : {}), flow, step: null, at: t.env.now };
}

/** After a turn: the outcome, when this turn decided it (and the "Did this help?" that follows a solution). */
export function decideOutcome(t: Turn, prev: Snapshot, event: EngineEvent): void {
  if (t.s.outcome) return;
  const flow = t.s.flow ?? prev.flow;
  if (event.type === 'watch-fired' && event.what === 'active') return mark(t, 'solved', flow, 'token');
  if (t.s.status === 'handed' && prev.status !== 'handed') return mark(t, 'handed', flow);
  if (t.s.status !== 'ended' || prev.status === 'ended') return;
  const solved = solvedHow(t, prev, linesOfTurn(prev, t.s));
  if (!solved) return;
  mark(t, 'solved', prev.flow, solved.how);
  // Their answer to the topic's own "did it help?" is the answer: it is not asked again.
  if (solved.answered) t.s.feedback = { state: 'done', helpful: true };
  else askFeedback(t);
}

function askFeedback(t: Turn): void {
  t.s.feedback = { state: 'asked' };
  t.replies.push({
    kind: 'choices',
    prompt: sys(t, 'feedback_ask'),
    choices: [
      { id: HELPED_YES, label: sys(t, 'feedback_yes') },
      { id: HELPED_NO, label: sys(t, 'feedback_no') },
    ],
  });
  log(t, 'b', 'sys:feedback_ask');
}

function answerFeedback(t: Turn, helpful: boolean): void {
  t.s.feedback = { state: 'comment', helpful };
  say(t, 'feedback_comment');
}

/** A 👍 or 👎 button: true when it was one (an answer after the question is gone changes nothing). */
export function feedbackChoice(t: Turn, id: string): boolean {
  if (id !== HELPED_YES && id !== HELPED_NO) return false;
  if (!t.s.feedback) return false;
  log(t, 'u', `choice:${id}`);
  // A second press (an old button) changes nothing: the first answer stands.
  if (t.s.feedback.state === 'asked') answerFeedback(t, id === HELPED_YES);
  else say(t, 'feedback_thanks');
  return true;
}

const THUMBS_UP = /^\s*(👍|\+1)\s*$/u;
const THUMBS_DOWN = /^\s*(👎|-1)\s*$/u;

/**
 * Text while "Did this help?" is open: a yes or no (or a thumb) answers it; the next message after the
 * answer is the person's sentence, unless it opens a topic or asks for a person. Anything else moves
 * on, and the question is not asked again.
 */
export function feedbackText(t: Turn, text: string, meaning: Meaning): boolean {
  const f = t.s.feedback;
  if (!f || f.state === 'done' || t.s.status !== 'ended') return false;
  if (f.state === 'asked') {
    const yes = THUMBS_UP.test(text) || meaning.intent === 'yes';
    const no = THUMBS_DOWN.test(text) || meaning.intent === 'no';
    if (yes === no) {
      t.s.feedback = { state: 'done' };
      return false;
    }
    log(t, 'u', text);
    answerFeedback(t, yes);
    return true;
  }
  t.s.feedback = { ...f, state: 'done' };
  if (meaning.action === 'topic' || meaning.action === 'handover' || meaning.action === 'menu' || t.facts.wantsHuman) return false;
  const comment = redactCodes(text).slice(0, USER_TEXT_LIMIT);
  t.s.feedback.comment = comment;
  log(t, 'u', comment);
  say(t, 'feedback_thanks');
  return true;
}

/** What the person wrote that the bot did not understand: each message followed by a "did not understand". */
export function notUnderstood(s: Pick<Snapshot, 'transcript'>): string[] {
  const out: string[] = [];
  const lines = s.transcript;
  for (let i = 0; i + 1 < lines.length; i++) {
    const [, who, text] = lines[i]!;
    if (who === 'u' && lines[i + 1]![1] === 'b' && NOT_UNDERSTOOD.has(lines[i + 1]![2]) && !text.startsWith('choice:') && !text.startsWith('[')) out.push(text);
  }
  return out;
}

/** The last step a conversation reached (`flow/step`), from where it stands or its transcript. */
function lastStep(s: Snapshot): string | null {
  if (s.flow && s.step) return `${s.flow}/${s.step}`;
  for (let i = s.transcript.length - 1; i >= 0; i--) {
    const [, who, text] = s.transcript[i]!;
    if (who === 'b' && /^[a-z0-9_]+\/[a-z0-9_]+$/.test(text)) return text;
  }
  return null;
}

const topicOf = (s: Snapshot): string | null => s.outcome?.flow ?? s.flow ?? lastStep(s)?.split('/')[0] ?? null;

/**
 * The outcome of a conversation that has gone quiet: the one its turns decided, else answered (no topic,
 * a question answered from the knowledge base), out of scope (no topic, and told it is beyond the
 * helpdesk) or abandoned at the last step reached. Undefined for one
 * in which the person never wrote (a page loaded and left). It ended when it was last written.
 */
export function settledOutcome(s: Snapshot, channel: string): ConversationOutcome | undefined {
  if (!s.transcript.some(([, who]) => who === 'u')) return undefined;
  const topic = topicOf(s);
  const said = (re: RegExp) => s.transcript.some(([, who, text]) => who === 'b' && re.test(text));
  // No topic, and a question answered from the knowledge base: answered without a person.
  const answered = !topic && said(/^kb:/);
  const outOfScope = !topic && !answered && said(OUT_OF_SCOPE);
  const quiet: OutcomeMark = answered
    ? { kind: 'solved', how: 'answered', flow: null, step: null, at: s.updatedAt }
    : { kind: outOfScope ? 'out_of_scope' : 'abandoned', flow: topic, step: outOfScope ? null : lastStep(s), at: s.updatedAt };
  const mark = s.outcome ?? quiet;
  return outcomeRecord(s, mark, channel);
}

/** The row the runner records for `s` with `mark`. */
export function outcomeRecord(s: Snapshot, mark: OutcomeMark, channel: string): ConversationOutcome {
  const f = s.feedback;
  return {
    ...mark,
    conversation: s.id,
    startedAt: s.startedAt,
    channel,
    lang: s.lang as Lang,
    ...(mark.kind === 'handed' && s.slots.ticket ? { ticket: s.slots.ticket.v } : {}),
    ...(f?.helpful !== undefined ? { helpful: f.helpful } : {}),
    ...(f?.comment ? { comment: f.comment } : {}),
    unclear: notUnderstood(s),
  };
}
