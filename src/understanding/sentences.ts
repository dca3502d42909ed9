// Long messages: the sentence that carries the problem decides, not the greeting or the context
// before it. A message is ranked as a whole and sentence by sentence; each label keeps its best
// score. A greeting, a thank-you or a yes/no counts only when it is the whole message ("Hi! My
// code is refused" is about the code).
import type { Guess, Label, Understanding } from '../ports/understanding.ts';

/** Labels that say how a message is framed, not what it is about: never decided by one sentence. */
const FRAMING = new Set(['intent:hello', 'intent:thanks', 'intent:yes', 'intent:no', 'intent:dont_know', 'intent:skip', 'intent:menu']);

// A greeting or a salutation at the start is not a sentence about anything.
const OPENING = /^\s*(?:(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening|day)|morning|greetings|hej|hejsan|hallå|halla|hallo|tja|tjena|tjenare|god (?:morgon|middag|eftermiddag|kväll|kvall|dag)|morrn|hey there|hi there)\b(?:\s+(?:there|all|again|support|team|uppmax|helpdesk|igen|supporten|allihopa))?[\s,.!:;-]*)+/i;

/** The sentences of a message (at most 6), with the greeting at its start taken off. */
export function sentencesOf(text: string): string[] {
  const body = text.replace(OPENING, '');
  const parts = body
    .split(/(?<=[.!?])\s+|[\n;]+|\s+[-–—]\s+/)
    .map((s) => s.trim())
    .filter((s) => /\p{L}{2,}/u.test(s));
  return parts.slice(0, 6);
}

/** Two sentences or more, or one long one: what the linear model reads better (see by-length.ts). */
export function isLong(text: string): boolean {
  const sentences = sentencesOf(text);
  return sentences.length >= 2 || (sentences[0] ?? '').split(/\s+/).length >= LONG_WORDS;
}

/** Words from which one sentence counts as long (chosen on the labelled files; see docs/understanding.md). */
export const LONG_WORDS = 14;

/**
 * Labels for `text`, best first: each label's best score over the whole message and its
 * sentences. A one-sentence message is ranked as it is.
 */
export function rankBySentence(u: Understanding, text: string, allowed: (label: Label) => boolean, limit = 6): Guess[] {
  const whole = u.rank(text, allowed, limit);
  const sentences = sentencesOf(text);
  if (sentences.length === 0 || (sentences.length === 1 && sentences[0] === text.trim())) return whole;
  const best = new Map<Label, Guess>(whole.map((g) => [g.label, g]));
  const ofParts = (label: Label) => allowed(label) && !FRAMING.has(label);
  for (const s of sentences) {
    for (const g of u.rank(s, ofParts, limit)) {
      const prev = best.get(g.label);
      if (!prev || g.score > prev.score) best.set(g.label, g);
    }
  }
  // A greeting or a yes/no scored on the whole of a long message is its framing: weakened.
  for (const [label, g] of best) if (FRAMING.has(label) && sentences.length > 1) best.set(label, { ...g, score: g.score * 0.5 });
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
}
