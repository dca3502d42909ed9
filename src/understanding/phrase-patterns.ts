// Phrases written in data (flows/facts/*.yaml) and matched in a message's clauses. A phrase is
// words, folded like the message (case, å/ä/ö and apostrophes away, "didn't" read as "did not"),
// with these marks: `(a|b c)` one of, `(a|b)?` optional, `...` up to three words between, a word
// ending in `*` any ending ("registrer*"), and `^` / `$` for the start and end of a clause ("I did
// not." is a whole clause). Matching is whole words only.
import { mend, negatedAt } from './clauses.ts';
import { foldKeepingPunctuation } from './normalise.ts';

// Contractions written out, so one phrase ("did not") covers "didn't", "didnt" and "did not".
const CONTRACTIONS: Record<string, string> = {
  dont: 'do not', doesnt: 'does not', didnt: 'did not', isnt: 'is not', wasnt: 'was not', arent: 'are not',
  werent: 'were not', havent: 'have not', hasnt: 'has not', hadnt: 'had not', cant: 'can not', cannot: 'can not',
  couldnt: 'could not', wont: 'will not', wouldnt: 'would not', shouldnt: 'should not', ive: 'i have', im: 'i am',
  theyve: 'they have', someones: 'someone has', somebodys: 'somebody has', thats: 'that is',
  // Swedish as it is typed: "nån", "nåt", "nånting".
  nan: 'nagon', nat: 'nagot', nanting: 'nagonting',
};

/** One clause's words with contractions written out (the clause is already folded). */
export function expandWords(clause: string): string {
  return clause
    .split(' ')
    .map((w) => CONTRACTIONS[w] ?? w)
    .join(' ');
}

// Clauses end at punctuation only: "without me", "utan att jag" and "but I did not" keep their
// first word (the extractors' clauses end at those words too, to scope a "not").
const PUNCTUATION = /[.!?;,:()\n\r"“”]+/;

// The last message's clauses: a turn reads one message for several facts and the knowledge base.
let lastText: string | undefined;
let lastClauses: readonly string[] = [];

/** A message as the phrases see it: clauses, folded, typos of keywords mended, contractions out. */
export function phraseClauses(text: string): readonly string[] {
  if (text !== lastText) {
    lastClauses = clausesOfText(text);
    lastText = text;
  }
  return lastClauses;
}

function clausesOfText(text: string): string[] {
  return foldKeepingPunctuation(text)
    .split(PUNCTUATION)
    .map((c) => expandWords(c.replace(/[^\p{L}\p{N}@]+/gu, ' ').trim().split(' ').filter(Boolean).map(mend).join(' ')))
    .filter(Boolean);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A word of a phrase, folded as a message is; `word*` keeps its star. */
function wordSource(word: string): string {
  const star = word.endsWith('*');
  const [folded = ''] = phraseClauses(star ? word.slice(0, -1) : word);
  if (!folded) throw new Error(`"${word}" has no letters`);
  return folded.split(' ').map(escape).join(' ') + (star ? '[^ ]*' : '');
}

/** The words of an alternative, each folded; an alternative may hold several words. */
function wordsSource(text: string): string {
  return text
    .trim()
    .split(/\s+/)
    .map((w) => (w === '...' ? null : wordSource(w)))
    .reduce<string>((acc, w) => (w === null ? `${acc}(?: [^ ]+){0,3}` : acc ? `${acc} ${w}` : w), '');
}

interface Token {
  source: string;
  optional: boolean;
  gap: boolean;
}

function tokens(phrase: string): Token[] {
  const out: Token[] = [];
  const re = /\(([^()]*)\)(\?)?|(\.\.\.)|([^\s()]+)/g;
  for (let m = re.exec(phrase); m; m = re.exec(phrase)) {
    if (m[1] !== undefined) {
      const alternatives = m[1].split('|').map((a) => a.trim());
      if (alternatives.some((a) => !a)) throw new Error(`an empty choice in "(${m[1]})": write (a|b)? for an optional word`);
      out.push({ source: `(?:${alternatives.map(wordsSource).join('|')})`, optional: m[2] === '?', gap: false });
    } else if (m[3]) out.push({ source: '', optional: false, gap: true });
    else out.push({ source: wordSource(m[4] as string), optional: false, gap: false });
  }
  const stray = phrase.replace(re, '').trim();
  if (stray) throw new Error(`unbalanced brackets in "${phrase}"`);
  return out;
}

/** A phrase as a regular expression over a clause's words. Throws with the reason for a bad phrase. */
export function compilePhrase(written: string): RegExp {
  const atStart = written.trimStart().startsWith('^');
  const atEnd = written.trimEnd().endsWith('$');
  const phrase = written.trim().replace(/^\^/, '').replace(/\$$/, '');
  const parts = tokens(phrase);
  if (!parts.some((t) => !t.gap && !t.optional)) throw new Error(`"${phrase}" needs at least one word that must be there`);
  let source = '';
  let first = true;
  for (const t of parts) {
    if (t.gap) {
      source += '(?: [^ ]+){0,3}';
      continue;
    }
    const sep = first ? '' : ' ';
    source += t.optional ? (first ? `(?:${t.source} )?` : `(?: ${t.source})?`) : `${sep}${t.source}`;
    if (!t.optional) first = false;
  }
  return new RegExp(`${atStart ? '^' : '(?:^| )'}${source}${atEnd ? '$' : '(?= |$)'}`);
}

export interface PhraseSet {
  /** The phrases as written, for saying which one matched. */
  phrases: string[];
  patterns: RegExp[];
  /** All the patterns as one: a clause none of them matches is passed over with one test. */
  any: RegExp;
  /** A "not" just before the phrase voids it ("I did not get a mail" is no mail received). */
  negatable: boolean;
}

export function compilePhrases(phrases: readonly string[], negatable: boolean): PhraseSet {
  const patterns = phrases.map(compilePhrase);
  const any = new RegExp(patterns.map((p) => `(?:${p.source})`).join('|') || '(?!)');
  return { phrases: [...phrases], patterns, any, negatable };
}

/** The first phrase of the set found in the clauses (not negated, when negation voids it). */
export function findPhrase(clauses: readonly string[], set: PhraseSet): string | undefined {
  if (!clauses.some((c) => set.any.test(c))) return undefined;
  for (let i = 0; i < set.patterns.length; i++) {
    const re = set.patterns[i] as RegExp;
    for (const c of clauses) {
      const m = re.exec(c);
      if (!m) continue;
      // The match starts at its separating space, if any; negation is read before the first word.
      const at = m.index + (m[0].startsWith(' ') ? 1 : 0);
      if (set.negatable && negatedAt(c, at)) continue;
      return set.phrases[i];
    }
  }
  return undefined;
}
