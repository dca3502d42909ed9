// The one way text is folded for matching, never for display: lower case, diacritics away (å → a, é → e,
// full-width forms to their plain ones), apostrophes away ("don't" → "dont"). What is matched takes
// the form it needs from this one: with its punctuation (clauses are cut at it), as words (the
// classifiers, a choice's label), or as letters only (the language identifier).

const COMBINING = /[\u0300-\u036f]/g;
const APOSTROPHES = /['’`´]/g;

// A turn folds its one message in many places (every phrase family, the extractors, the rankers):
// each form of the last texts is kept, so a message is folded once a form.
const KEPT = 256;

/** `form`, its answers kept for the last `size` texts (the table starts over when it is full). */
export function kept(form: (text: string) => string, size = KEPT): (text: string) => string {
  const forms = new Map<string, string>();
  return (text) => {
    let f = forms.get(text);
    if (f === undefined) {
      if (forms.size >= size) forms.clear();
      forms.set(text, (f = form(text)));
    }
    return f;
  };
}

const lowerFolded = kept((text) => text.toLowerCase().normalize('NFKD').replace(COMBINING, '').replace(APOSTROPHES, ''));
const casedFolded = kept((text) => text.normalize('NFKD').replace(COMBINING, '').replace(APOSTROPHES, ''));

/** Folded, punctuation kept (it separates clauses). `keepCase` folds letter for letter, capitals kept. */
export function foldKeepingPunctuation(text: string, keepCase = false): string {
  return keepCase ? casedFolded(text) : lowerFolded(text);
}

/** Folded words: everything but letters and digits to single spaces, trimmed. */
export const fold: (text: string) => string = kept((text) =>
  foldKeepingPunctuation(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim(),
);

/** Folded letters: digits and punctuation to single spaces as well (they say nothing of a language). */
export const foldLetters: (text: string) => string = kept((text) =>
  foldKeepingPunctuation(text)
    .replace(/[^\p{L}]+/gu, ' ')
    .trim(),
);

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
