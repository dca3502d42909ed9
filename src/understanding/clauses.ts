// A message cut into clauses for the extractors: folded (case, å/ä/ö, apostrophes away), split where
// a negation's reach ends (sentence marks, commas, "but", "men", "utan", "just"), with typos of the
// words the extractors look for mended. "Not" negates what follows it in its own clause only:
// "not stolen, just lost" is lost; "nobody stole it" is not stolen.

import { foldKeepingPunctuation, kept } from './normalise.ts';

// "just now" / "alldeles nyss" are times, not a contrast: kept whole before "just" splits.
const GLUED = [/\bjust now\b/g, 'justnow'] as const;
const BOUNDARY = /[.!?;,:()\n\r]+|\s(?:but|however|though|although|whereas|instead|rather|just|only|men|utan|fast|bara|snarare|dock)\s/g;

const NEGATORS = new Set(
  'not no never nobody noone none neither nor dont doesnt didnt isnt wasnt arent werent havent hasnt hadnt cant cannot couldnt wont wouldnt shouldnt without inte ej ingen inget inga aldrig icke varken knappast'.split(' '),
);

/**
 * Words the extractors look for, by which a typo ("stollen", "usrname", "anvandarnam") is mended.
 * Only words of six letters or more: a shorter word is one letter from too many others.
 */
const KEYWORDS = [
  'stolen', 'stulen', 'stulit', 'stulits', 'broken', 'smashed', 'cracked', 'shattered', 'deleted', 'removed',
  'uninstalled', 'reinstalled', 'misplaced', 'iphone', 'android', 'samsung', 'smartphone', 'username',
  'usernames', 'anvandarnamn', 'anvandarnamnet', 'password', 'losenord', 'losenordet', 'registered',
  'registrerade', 'registrerat', 'registrerad', 'trasig', 'trasiga', 'tappat', 'tappade', 'telefon', 'telefonen',
  'mobilen', 'sweden', 'sverige', 'avinstallerade', 'avinstallerat', 'raderade', 'raderat', 'person', 'manniska',
  'support', 'minutes', 'minuter', 'timmar', 'flip', 'authenticator', 'someone', 'somebody', 'nobody', 'utomlands',
  'abroad', 'klustret', 'cluster', 'account', 'installed', 'yesterday',
];

/** Words a mended typo must never become (real words one letter from a keyword). */
const REAL_WORDS = new Set(['phone', 'phones', 'mobile', 'broker', 'stolen', 'taken', 'persons', 'personal', 'removes', 'minute', 'registers', 'accounts', 'supports', 'installer']);

/**
 * A mender of typos of `keywords` (one letter added, dropped, changed or swapped): the keyword a word
 * is a typo of, or the word. Only words of five letters or more are mended, only into keywords of
 * six or more, and never a word of `keep` (real words one letter from a keyword). A `short` word (five
 * letters, "token") is one letter from too many real words to change one: it is mended only from two
 * letters swapped ("tokne") or one dropped ("tokn").
 */
export function menderOf(keywords: Iterable<string>, keep: ReadonlySet<string> = new Set(), short: Iterable<string> = []): (word: string) => string {
  // SymSpell with distance 1: a keyword and a typo of it share the keyword itself or one of its
  // one-letter deletions; a hash lookup per deletion instead of an edit distance per keyword.
  const byDeletion = new Map<string, string>();
  const set = new Set<string>();
  for (const k of keywords) {
    if (k.length < 6) continue;
    set.add(k);
    byDeletion.set(k, k);
    for (let i = 0; i < k.length; i++) {
      const d = k.slice(0, i) + k.slice(i + 1);
      if (!byDeletion.has(d)) byDeletion.set(d, k);
    }
  }
  const slips = new Map<string, string>();
  for (const k of short) {
    for (let i = 0; i < k.length; i++) slips.set(k.slice(0, i) + k.slice(i + 1), k);
    for (let i = 0; i + 1 < k.length; i++) slips.set(k.slice(0, i) + (k[i + 1] as string) + (k[i] as string) + k.slice(i + 2), k);
  }
  const mended = (word: string): string => {
    const slip = keep.has(word) ? undefined : slips.get(word);
    if (slip) return slip;
    if (word.length < 5 || set.has(word) || keep.has(word) || /\d/.test(word)) return word;
    const direct = byDeletion.get(word);
    if (direct && Math.abs(direct.length - word.length) <= 1) return direct;
    for (let i = 0; i < word.length; i++) {
      const k = byDeletion.get(word.slice(0, i) + word.slice(i + 1));
      if (k && k.length <= word.length && k.length >= word.length - 1) return k;
    }
    return word;
  };
  // Every word of every message passes through a mender, several times a turn: each word's answer
  // is kept (people write the same few thousand words; the table starts over when it is full).
  return kept(mended, MENDED_KEPT);
}

/** How many words a mender keeps the answer for. */
const MENDED_KEPT = 20_000;

/** The keyword a word is a typo of (one letter added, dropped, changed or swapped), or the word. */
export const mend = menderOf(KEYWORDS, REAL_WORDS);

/** The clauses of a message, each folded to single-spaced words with typos of keywords mended. */
export function clausesOf(text: string): string[] {
  const folded = ` ${foldKeepingPunctuation(text).replace(GLUED[0], GLUED[1])} `;
  return folded
    .split(BOUNDARY)
    .map((c) =>
      c
        .replace(/[^\p{L}\p{N}@]+/gu, ' ')
        .trim()
        .split(' ')
        .filter(Boolean)
        .map(mend)
        .join(' '),
    )
    .filter(Boolean);
}

/** Is the match at `index` of `clause` negated by one of the (up to) four words before it? */
export function negatedAt(clause: string, index: number): boolean {
  const before = clause.slice(0, index).trim().split(' ').slice(-4);
  return before.some((w) => NEGATORS.has(w));
}

// The global copy of each pattern, made once: a RegExp compiled per message was a tenth of a turn.
const globals = new WeakMap<RegExp, RegExp>();
function globalOf(re: RegExp): RegExp {
  let g = globals.get(re);
  if (!g) globals.set(re, (g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)));
  return g;
}

/**
 * The first match of `re` in any clause that is not negated, or undefined.
 * `negatable: false` for patterns that carry their own negation ("no smartphone").
 */
export function findAffirmed(clauses: readonly string[], re: RegExp, negatable = true): RegExpExecArray | undefined {
  const global = globalOf(re);
  for (const c of clauses) {
    global.lastIndex = 0;
    for (let m = global.exec(c); m; m = global.exec(c)) {
      if (!negatable || !negatedAt(c, m.index)) return m;
      if (m[0].length === 0) global.lastIndex++;
    }
  }
  return undefined;
}

/** Does some clause hold `re` negated ("not stolen", "inte i sverige")? */
export function findNegated(clauses: readonly string[], re: RegExp): boolean {
  const global = globalOf(re);
  for (const c of clauses) {
    global.lastIndex = 0;
    for (let m = global.exec(c); m; m = global.exec(c)) {
      if (negatedAt(c, m.index)) return true;
      if (m[0].length === 0) global.lastIndex++;
    }
  }
  return false;
}
