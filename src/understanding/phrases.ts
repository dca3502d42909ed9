// The phrase families of phrases.yaml: what a message says by its words alone (a close, a question
// about the wait, thanks, "it works now"), in both languages, as data. Each family is one regular
// expression over the folded message, built once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { HelpdeskError } from '../errors.ts';
import { fold } from './normalise.ts';

const Family = z.strictObject({
  match: z.enum(['whole', 'only', 'contains', 'decision']),
  en: z.array(z.string().trim().min(1)),
  sv: z.array(z.string().trim().min(1)),
});
const PhraseFile = z.record(z.string().regex(/^[a-z][a-z_]*$/), Family);
export type PhraseFile = z.infer<typeof PhraseFile>;

export const PHRASES_FILE = path.join(import.meta.dirname, 'phrases.yaml');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';

// `decision`: the phrase is the whole message, after words that only lead in or round off ("ok,",
// "hmm", "then", "instead"), or it follows the person's own "I'll" / "jag ska" / "jag", so that a
// sentence that only mentions it ("the app says try again another day") is no decision.
const LEAD_IN = '(?:ok|okay|okej|hmm|hm|ah|oh|well|fine|nah|no|nej|naa|aha|jaha|asch|men|then|so|da|sa|alright|right|ja|yes|tack|thanks)';
const PERSON = '(?:ill|i ll|i will|i shall|im going to|i am going to|im gonna|lets|let me|we will|well|jag ska|jag far|jag|vi ska|vi)';
const ADVERB = '(?:just|rather|simply|probably|then|bara|hellre|nog|da|sa|istallet)';
const ROUND_OFF = '(?:instead|then|thanks|thank you|da|istallet|tack)';
const decision = (body: string) =>
  `^(?:${LEAD_IN} )*(?:${PERSON} (?:${ADVERB} )?)?${body}(?: ${ROUND_OFF})*$|${BEFORE}${PERSON} (?:${ADVERB} )?${body}${AFTER}`;

/** Does `text` say a phrase of this family? */
export type PhraseTest = (text: string) => boolean;

function compile(family: z.infer<typeof Family>): PhraseTest {
  const all = [...family.en, ...family.sv];
  const folded = all.filter((p) => !p.startsWith('=')).map((p) => escape(fold(p)));
  const written = all.filter((p) => p.startsWith('=')).map((p) => escape(p.slice(1).toLowerCase()));
  const body = `(?:${folded.join('|')})`;
  const shape = { whole: `^${body}$`, only: `^${body}(?: ${body})*$`, contains: `${BEFORE}${body}${AFTER}`, decision: decision(body) }[family.match];
  const onFolded = folded.length ? new RegExp(shape, 'u') : undefined;
  const onWritten = written.length ? new RegExp(family.match === 'whole' ? `^(?:${written.join('|')})$` : `${BEFORE}(?:${written.join('|')})${AFTER}`, 'u') : undefined;
  return (text) => (onFolded?.test(fold(text)) ?? false) || (onWritten?.test(text.trim().toLowerCase()) ?? false);
}

/** The phrases of a family as one expression that finds them anywhere in a folded text (for cutting them out). */
function anywhere(family: z.infer<typeof Family>): RegExp {
  const folded = [...family.en, ...family.sv].filter((p) => !p.startsWith('=')).map((p) => escape(fold(p)));
  return new RegExp(`${BEFORE}(?:${folded.join('|')})${AFTER}`, 'gu');
}

export function parsePhrases(raw: unknown, file = PHRASES_FILE): Record<string, PhraseTest> {
  const parsed = PhraseFile.safeParse(raw);
  if (!parsed.success) throw new HelpdeskError('config.invalid', `${file}: ${z.prettifyError(parsed.error).split('\n').slice(0, 2).join(' ')}`);
  const tests: Record<string, PhraseTest> = Object.fromEntries(Object.entries(parsed.data).map(([name, f]) => [name, compile(f)]));
  const { politeness, answer_word: answer } = parsed.data;
  if (politeness && answer) {
    // An answer with politeness around it: the politeness cut out, a yes or a no is all that is left.
    const polite = anywhere(politeness);
    const isAnswer = compile(answer);
    tests.polite_answer = (text) => {
      const folded = fold(text);
      const rest = folded.replace(polite, ' ').replace(/\s+/g, ' ').trim();
      return rest !== folded && rest.length > 0 && isAnswer(rest);
    };
  }
  return tests;
}

let shipped: Record<string, PhraseTest> | undefined;

/** A family of the shipped phrases.yaml; a name it does not hold is a fault of the code, not of a message. */
export function phrase(name: string): PhraseTest {
  shipped ??= parsePhrases(parse(readFileSync(PHRASES_FILE, 'utf8')));
  const test = shipped[name];
  if (!test) throw new HelpdeskError('engine.fault', `${PHRASES_FILE} has no phrase family "${name}"`);
  return test;
}

/** A message that only closes: "ok", "thanks", "tack så mycket". */
export const isClosing: PhraseTest = (text) => phrase('closing')(text);

/** Thanks, or "it works now" that does not say it does not. */
export const isThanks: PhraseTest = (text) => phrase('thanks')(text) || isSolved(text);

/** "It works now", not said to be otherwise, nor asked when it will ("how long till it works?"). */
export const isSolved: PhraseTest = (text) => phrase('solved')(text) && !phrase('negated')(text) && !phrase('solved_asked')(text);

/** Thanks said on its own terms ("thanks again"), whatever else the words are. */
export const saysThanks: PhraseTest = (text) => phrase('thanks')(text);

/** Taking back what was about to happen: "actually no", "never mind", "glöm det", "I'll do it tomorrow". */
export const isCancel: PhraseTest = (text) => phrase('cancel')(text) || phrase('postpone')(text);

/** A question about the wait: "how long", "när får jag svar". */
export const isWaitQuestion: PhraseTest = (text) => phrase('wait_question')(text);
