// The one way text is folded for matching, never for display: lower case, diacritics away (å → a, é → e,
// full-width forms to their plain ones), apostrophes away ("don't" → "dont"). What is matched takes
// the form it needs from this one: with its punctuation (clauses are cut at it), as words (the
// classifiers, a choice's label), or as letters only (the language identifier).

const COMBINING = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’`´]/g;

/** Folded, punctuation kept (it separates clauses). `keepCase` folds letter for letter, capitals kept. */
export function foldKeepingPunctuation(text: string, keepCase = false): string {
  return (keepCase ? text : text.toLowerCase()).normalize('NFKD').replace(COMBINING, '').replace(APOSTROPHES, '');
}

/** Folded words: everything but letters and digits to single spaces, trimmed. */
export function fold(text: string): string {
  return foldKeepingPunctuation(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Folded letters: digits and punctuation to single spaces as well (they say nothing of a language). */
export function foldLetters(text: string): string {
  return foldKeepingPunctuation(text)
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();
}

const known = new Map<string, string>();

/** `fold` for the bot's own words (labels, titles), which repeat: computed once each. */
export function foldKnown(text: string): string {
  let n = known.get(text);
  if (n === undefined) {
    if (known.size > 10_000) known.clear();
    n = fold(text);
    known.set(text, n);
  }
  return n;
}
