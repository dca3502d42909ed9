// Which language a message is written in, English or Swedish, decided apart from what it means
// (one language per conversation). A naive Bayes model over character 1–4-grams and
// whole words of the folded text, trained from the flows' en/sv text and the catalogues, so it
// knows Swedish written without å/ä/ö and the helpdesk's own words in both; å/ä/ö themselves
// count for Swedish. A text that says too little ("ok", "2fa", "sms") has no language: undefined.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { catalogues } from '../i18n/index.ts';
import type { Lang } from '../i18n/catalogue.ts';
import { FeatureHash, FeatureIds } from './features.ts';
import { foldLetters } from './normalise.ts';
import { LANGS } from '../ports/lang.ts';

export interface LanguageGuess {
  lang?: Lang;
  /** 0 (no idea) … 1 (certain); `lang` is set only from MIN_CONFIDENCE up. */
  confidence: number;
}

export interface LanguageSample {
  lang: Lang;
  text: string;
}

export interface LanguageIdentifier {
  identify(text: string): LanguageGuess;
}

/** Below this a guess is no guess (chosen on test/understanding/messages.yaml; see docs/understanding.md). */
export const MIN_CONFIDENCE = 0.9;
/** A word says more than any one of its letter groups. */
const WORD_WEIGHT = 3;
const SMOOTHING = 0.5;
/** A text shorter than this, with no word the identifier knows, has no language ("banana", "asdf"). */
const FEW_WORDS = 4;
/** A word it knows tells a language when one language uses it at least twice as often ("ok", "sms" do not). */
const TELLING = Math.log(2);
const MAX_CHARS = 300;

/** A text's letters, folded; a template's placeholders ({centre}) are not words anyone types. */
const fold = (text: string) => foldLetters(text.replace(/\{[^}]*\}/g, ' '));

const WORD_TAG = 0x77;
const SWEDISH_LETTERS = '#aao';

/**
 * Features of a text (as their two hashes: see features.ts) and how much each counts. Digits and
 * punctuation say nothing of language. The hashes are computed where the letters lie, no substring.
 */
function featuresOf(text: string, hash: FeatureHash, visit: (h1: number, h2: number, weight: number, word?: boolean) => void): void {
  const swedishLetters = text.match(/[åäöÅÄÖ]/g)?.length ?? 0;
  if (swedishLetters) {
    hash.of(0, SWEDISH_LETTERS, 0, SWEDISH_LETTERS.length);
    visit(hash.h1, hash.h2, swedishLetters * WORD_WEIGHT);
  }
  const folded = fold(text);
  if (!folded) return;
  // Words one space apart, a space either side: a word's padded form is padded[start - 1, stop + 1).
  const padded = ` ${folded.replace(/\s+/g, ' ')} `;
  const end = padded.length - 1;
  for (let start = 1; start < end; ) {
    const stop = padded.indexOf(' ', start);
    hash.of(WORD_TAG, padded, start, stop);
    visit(hash.h1, hash.h2, WORD_WEIGHT, true);
    for (let n = 1; n <= 4; n++) {
      for (let i = start - 1; i + n <= stop + 1; i++) {
        if (n > 1 || padded.charCodeAt(i) !== 0x20) {
          hash.of(0, padded, i, i + n);
          visit(hash.h1, hash.h2, 1);
        }
      }
    }
    start = stop + 1;
  }
}

export function createLanguageIdentifier(samples: readonly LanguageSample[]): LanguageIdentifier {
  const ids = new FeatureIds();
  const hash = new FeatureHash();
  const counts: Record<Lang, number[]> = { en: [], sv: [] };
  const totals: Record<Lang, number> = { en: 0, sv: 0 };
  for (const s of samples) {
    const c = counts[s.lang];
    featuresOf(s.text, hash, (h1, h2, w) => {
      const id = ids.add(h1, h2);
      c[id] = (c[id] ?? 0) + w;
      totals[s.lang] += w;
    });
  }
  const vocabulary = ids.size;
  // The log-likelihood ratio (sv over en) of each feature seen in training, computed once, by feature id.
  const ratio = new Float64Array(vocabulary);
  const denomEn = totals.en + SMOOTHING * vocabulary;
  const denomSv = totals.sv + SMOOTHING * vocabulary;
  for (let f = 0; f < vocabulary; f++) {
    ratio[f] = Math.log(((counts.sv[f] ?? 0) + SMOOTHING) / denomSv) - Math.log(((counts.en[f] ?? 0) + SMOOTHING) / denomEn);
  }
  return {
    identify(text: string): LanguageGuess {
      let llr = 0;
      let words = 0;
      let known = 0;
      // The first few hundred characters say which language as well as the whole does.
      featuresOf(text.slice(0, MAX_CHARS), hash, (h1, h2, w, word) => {
        const id = ids.get(h1, h2);
        if (word) {
          words++;
          if (id >= 0 && Math.abs(ratio[id] as number) >= TELLING) known++;
        }
        if (id >= 0) llr += ((ratio[id] as number) * w) / WORD_WEIGHT;
      });
      // A few words it has never seen in one language more than the other say nothing of language:
      // their letter groups only look like one ("banana" reads as Swedish). Å, ä and ö are Swedish
      // whatever the word.
      if (words < FEW_WORDS && known === 0 && !/[åäöÅÄÖ]/.test(text)) return { confidence: 0 };
      // Naive Bayes' odds, as a confidence in the more likely language.
      const confidence = Math.round(Math.abs(Math.tanh(llr / 2)) * 1000) / 1000;
      if (confidence < MIN_CONFIDENCE) return { confidence };
      return { lang: llr > 0 ? 'sv' : 'en', confidence };
    },
  };
}

/** Every en/sv text in a parsed flow file: objects with `en` and `sv` keys, at any depth. */
function collect(node: unknown, out: LanguageSample[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  for (const lang of LANGS) {
    const v = o[lang];
    if (typeof v === 'string') out.push({ lang, text: v });
    else if (Array.isArray(v)) for (const t of v) if (typeof t === 'string') out.push({ lang, text: t });
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'en' && k !== 'sv') collect(v, out);
}

function catalogueStrings(node: unknown, lang: Lang, out: LanguageSample[]): void {
  if (typeof node === 'string') out.push({ lang, text: node });
  else if (node && typeof node === 'object') for (const v of Object.values(node)) catalogueStrings(v, lang, out);
}

/** The samples the default identifier learns from: the shipped flows and both catalogues. */
export function defaultLanguageSamples(flowsDir = path.join(import.meta.dirname, '../../flows')): LanguageSample[] {
  const out: LanguageSample[] = [];
  for (const file of readdirSync(flowsDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    collect(parse(readFileSync(path.join(flowsDir, file), 'utf8')), out);
  }
  catalogueStrings(catalogues.en, 'en', out);
  catalogueStrings(catalogues.sv, 'sv', out);
  return out;
}

let trained: LanguageIdentifier | undefined;

/** The language of `text`, or no language when the text does not say (trained on first use). */
export function identifyLanguage(text: string): LanguageGuess {
  trained ??= createLanguageIdentifier(defaultLanguageSamples());
  return trained.identify(text);
}

let ownWords: Record<Lang, Set<string>> | undefined;

/**
 * The language of a one-word message, when the word is one the helpdesk's texts use in one language
 * and never in the other ("kod", "konto", "mejl" are Swedish; "code", "account" English); a word
 * both use ("app", "sms", "token") has none.
 */
export function languageOfWord(text: string): Lang | undefined {
  if (!ownWords) {
    const seen: Record<Lang, Set<string>> = { en: new Set(), sv: new Set() };
    for (const s of defaultLanguageSamples()) for (const w of foldLetters(s.text).split(/[^a-z0-9]+/)) if (w) seen[s.lang].add(w);
    ownWords = seen;
  }
  const word = foldLetters(text.trim()).replace(/[^a-z0-9]+/g, '');
  if (word.length < 3) return undefined;
  const [en, sv] = [ownWords.en.has(word), ownWords.sv.has(word)];
  return en === sv ? undefined : en ? 'en' : 'sv';
}
