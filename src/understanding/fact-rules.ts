// A fact read from a message by rules written in data (flows/facts/<fact>.yaml): named terms, each a
// list of phrases in both languages, and rules that say which terms together make the fact ("a
// denial beside an event"), and which term unmakes it ("…yet"). The phrases are what people write,
// so a flow author adds one without touching code; `flows check` compiles every one.
import { knowledgeOf } from '../flows/knowledge.ts';
import type { FactRulesFile, RuleFact } from '../flows/fact-files.ts';
import type { FlowProblem } from '../flows/problems.ts';
import type { FlowSet } from '../flows/schema.ts';
import { HelpdeskError } from '../errors.ts';
import { menderOf } from './clauses.ts';
import { compilePhrases, findPhrase, phraseClauses, type PhraseSet } from './phrase-patterns.ts';
import { LANGS } from '../ports/lang.ts';

export type { RuleFact };

export interface CompiledFact {
  fact: RuleFact;
  terms: Map<string, PhraseSet>;
  rules: Array<{ all: string[]; unless: string[] }>;
  /** Mends a typo of a word of the fact's own phrases ("regsitered", "inlogning", "someon"). */
  mend: (word: string) => string;
}

/** Real words one letter from a word of a fact's phrases, never mended into it. */
const KEEP = new Set(['failed', 'nailed', 'mailer', 'signer', 'taken', 'expert', 'except', 'access', 'accept', 'accepted', 'expected', 'unexpected', 'logger', 'loggar', 'locked', 'visade']);

/**
 * What a fact's typos are mended into: its words of six letters or more and the stems of its
 * `word*` ("inloggning*"), five-letter stems ("token*") only from a swap or a dropped letter. Its
 * own words and KEEP are never mended.
 */
function mendingOf(phrases: readonly string[]): Parameters<typeof menderOf> {
  const words = new Set<string>();
  const stems = new Set<string>();
  for (const p of phrases) {
    for (const w of p.replace(/[()|?^$]|\.\.\./g, ' ').split(/\s+/).filter(Boolean)) {
      const [folded = ''] = phraseClauses(w.replace(/\*$/, ''));
      if (!folded || folded.includes(' ')) continue;
      (w.endsWith('*') ? stems : words).add(folded);
    }
  }
  const short = [...stems].filter((w) => w.length === 5);
  return [[...words, ...stems], new Set([...words, ...stems, ...KEEP]), short];
}

/** A problem in a fact file, at a key ("terms.denial.en.3"). */
export interface FactRuleProblem {
  key: string;
  message: string;
}

/** Compiles a parsed file; every bad phrase and unknown term is a problem, none is thrown. */
export function compileFact(file: FactRulesFile): { fact?: CompiledFact; problems: FactRuleProblem[] } {
  const problems: FactRuleProblem[] = [];
  const terms = new Map<string, PhraseSet>();
  const all: string[] = [];
  for (const [name, term] of Object.entries(file.terms)) {
    const phrases: string[] = [];
    for (const lang of LANGS) {
      term[lang].forEach((p, i) => {
        try {
          compilePhrases([p], false);
          phrases.push(p);
        } catch (err) {
          problems.push({ key: `terms.${name}.${lang}.${i}`, message: (err as Error).message });
        }
      });
    }
    if (!term.en.length || !term.sv.length) problems.push({ key: `terms.${name}`, message: 'a term needs phrases in both languages (en and sv)' });
    terms.set(name, compilePhrases(phrases, term.negatable));
    all.push(...phrases);
  }
  file.rules.forEach((r, i) => {
    for (const t of [...r.all, ...r.unless]) if (!terms.has(t)) problems.push({ key: `rules.${i}`, message: `no term "${t}" in terms` });
  });
  for (const name of terms.keys()) {
    if (!file.rules.some((r) => r.all.includes(name) || r.unless.includes(name))) problems.push({ key: `terms.${name}`, message: 'no rule uses this term' });
  }
  return problems.length ? { problems } : { fact: { fact: file.fact, terms, rules: file.rules.map((r) => ({ all: r.all, unless: r.unless })), mend: menderOf(...mendingOf(all)) }, problems };
}

export interface FactMatch {
  /** The rule that made it (its index in the file). */
  rule: number;
  /** Which phrase of each term was found. */
  found: Record<string, string>;
}

/** The first rule the message satisfies, or undefined. `clauses` are `phraseClauses(text)`. */
export function matchFact(fact: CompiledFact, written: readonly string[]): FactMatch | undefined {
  const clauses = mendedFor(fact, written);
  const cache = new Map<string, string | undefined>();
  const find = (term: string) => {
    if (!cache.has(term)) cache.set(term, findPhrase(clauses, fact.terms.get(term) as PhraseSet));
    return cache.get(term);
  };
  for (let i = 0; i < fact.rules.length; i++) {
    const rule = fact.rules[i] as CompiledFact['rules'][number];
    const found: Record<string, string> = {};
    if (!rule.all.every((t) => (found[t] = find(t) as string) !== undefined)) continue;
    if (rule.unless.some((t) => find(t) !== undefined)) continue;
    return { rule: i, found };
  }
  return undefined;
}

/** Whether one term of a fact is in the message, whatever the rules make of it ("not sure it was me" alone). */
export function termIn(fact: CompiledFact, term: string, text: string): boolean {
  const set = fact.terms.get(term);
  if (!set) return false;
  return findPhrase(mendedFor(fact, phraseClauses(text)), set) !== undefined;
}

// A message's clauses with a fact's typos mended, kept for the clauses the phrases last gave
// (`phraseClauses` gives the same array for the same message): several facts read one message.
const mendedClauses = new WeakMap<CompiledFact, { of: readonly string[]; clauses: string[] }>();

function mendedFor(fact: CompiledFact, written: readonly string[]): string[] {
  const kept = mendedClauses.get(fact);
  if (kept?.of === written) return kept.clauses;
  const clauses = written.map((c) => c.split(' ').map(fact.mend).join(' '));
  mendedClauses.set(fact, { of: written, clauses });
  return clauses;
}

/** Convenience for a whole message. */
export function factIn(fact: CompiledFact, text: string): FactMatch | undefined {
  return matchFact(fact, phraseClauses(text));
}

const compiled = new WeakMap<FlowSet, { facts: Map<RuleFact, CompiledFact>; problems: FlowProblem[] }>();

function compileAll(flows: FlowSet): { facts: Map<RuleFact, CompiledFact>; problems: FlowProblem[] } {
  let c = compiled.get(flows);
  if (!c) {
    c = { facts: new Map(), problems: [] };
    for (const [name, file] of knowledgeOf(flows).facts) {
      const { fact, problems } = compileFact(file);
      c.problems.push(...problems.map((p) => ({ file: file.file, key: p.key, message: p.message })));
      if (fact) c.facts.set(name, fact);
    }
    compiled.set(flows, c);
  }
  return c;
}

/** What the fact files of a flow folder hold that cannot be compiled (`flows check` prints them). */
export function factRuleProblems(flows: FlowSet): FlowProblem[] {
  return compileAll(flows).problems;
}

/** The compiled facts of a flow set's folder; a phrase that cannot be compiled stops them all. */
export function factRulesOf(flows: FlowSet): ReadonlyMap<RuleFact, CompiledFact> {
  const c = compileAll(flows);
  if (c.problems.length) throw new HelpdeskError('flow.invalid', `invalid fact rules:\n${c.problems.map((p) => `${p.file}, key ${p.key}: ${p.message}`).join('\n')}`);
  return c.facts;
}
