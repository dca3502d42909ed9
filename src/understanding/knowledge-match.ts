// Which knowledge-base entry a message asks, if any: nearest examples over the entries' questions,
// taken only for a question that is not a problem report ("which app should I use?" is answered;
// "my code is not accepted" is the code topic's, where the checks find out why). A question near no
// entry is `unknown`: the bot says it does not know, and never makes an answer up.
import type { Lang } from '../i18n/catalogue.ts';
import { LANGS } from '../i18n/catalogue.ts';
import { knowledgeOf, type KnowledgeEntry } from '../flows/knowledge.ts';
import type { FlowProblem } from '../flows/problems.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { RuleFact } from '../flows/fact-files.ts';
import { factRulesOf, matchFact, type CompiledFact } from './fact-rules.ts';
import { NearestExamples, type Example } from './nearest-examples.ts';
import { fold } from './normalise.ts';
import { compilePhrases, findPhrase, phraseClauses, type PhraseSet } from './phrase-patterns.ts';

export interface KnowledgeQuestions {
  id: string;
  questions: Record<Lang, readonly string[]>;
  /** Words one of which a message must hold for the entry to answer it. */
  needs?: Record<Lang, readonly string[]> | undefined;
  /** The fact that hears the entry's question said as a statement. */
  said_as?: RuleFact | undefined;
}

/** How many of the nearest entries are looked at for one whose words the message holds. */
const NEAREST_ENTRIES = 3;

/** How near an entry's questions a message must be (measured on test/understanding/knowledge.yaml). */
export const KNOWLEDGE_THRESHOLDS = {
  /** A question (by its words or a question mark) about an entry. */
  question: 0.5,
  /** A message not put as a question: only one very near an entry's own words ("which app"). */
  statement: 0.8,
  /**
   * Whether something works, may be used or costs ("can I use my Yubikey?"): an entry near only by
   * the frame's words ("can I use…") does not answer it.
   */
  capability: 0.6,
  /**
   * A question beside a problem report: only one very near an entry's own words ("which app should
   * I use?"); a "what do I do now?" closing a report is about the report.
   */
  beside: 0.9,
  /**
   * A question holding the words an entry needs ("supr", "sms", "hotel"): those words say what it
   * is about, so a question less near the entry's own still gets its answer.
   */
  named: 0.4,
};

export interface KnowledgeHit {
  /**
   * `answer`: the entry answers it; `unknown`: a question no entry answers (whether a topic does is
   * for the conversation to say: see the engine's knowledge.ts).
   */
  kind: 'answer' | 'unknown';
  /** The nearest entry (for `unknown`, the nearest there is, if any: it does not answer). */
  id: string | null;
  score: number;
  lang: Lang | null;
  /** The question asks whether something works, may be used or costs (flows/facts/capability.yaml). */
  capability: boolean;
  /** Said as a statement the entry's `said_as` fact hears: the entry's topic is what it is about. */
  said?: boolean;
  /** The message holds words the entry `needs`: it names what the entry is about. */
  named?: boolean;
}

export interface KnowledgeCues {
  question?: CompiledFact;
  problemReport?: CompiledFact;
  capability?: CompiledFact;
  /** The compiled facts the entries' `said_as` name. */
  said?: ReadonlyMap<RuleFact, CompiledFact>;
}

/** What a message is, as the knowledge base sees it. */
export interface MessageShape {
  question: boolean;
  report: boolean;
  capability: boolean;
}

export function shapeOf(text: string, cues: KnowledgeCues, clauses: readonly string[] = phraseClauses(text)): MessageShape {
  const has = (fact: CompiledFact | undefined) => (fact ? matchFact(fact, clauses) !== undefined : false);
  const report = has(cues.problemReport);
  const question = /\?/.test(text) || has(cues.question);
  return { question, report, capability: question && has(cues.capability) };
}

// Where one question ends and another may begin: a question mark or full stop, or "and"/"och" before
// a question word ("…, and how long…", "…och hur lång tid…").
const QUESTION_BREAK = /[?.!;]+|,?\s+(?:and|also|och|samt|plus)\s+(?=(?:how|what|which|why|when|where|who|is|are|do|does|can|will|should|hur|vad|vilken|vilket|vilka|varfor|varför|nar|när|var|ar|är|kan|maste|måste|behover|behöver|racker|räcker|ska|funkar|fungerar)\b)/i;

/** A message's questions, each with the question mark it was asked with. */
function questionParts(text: string): string[] {
  const re = new RegExp(QUESTION_BREAK.source, 'gi');
  const parts: string[] = [];
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!m[0]) {
      re.lastIndex++;
      continue;
    }
    const asked = m[0].includes('?') || (!/[.!;]/.test(m[0]) && /^[^.!;]*\?/.test(text.slice(m.index + m[0].length)));
    parts.push(text.slice(from, m.index) + (asked ? '?' : ''));
    from = m.index + m[0].length;
  }
  parts.push(text.slice(from));
  return parts.filter((p) => p.trim().split(/\s+/).length >= 2);
}

// Beside a report, a comma before a question word starts a question too ("my token fails, why do I need this?").
const BESIDE_BREAK = new RegExp(`${QUESTION_BREAK.source}|,\\s+(?=(?:how|what|which|why|when|where|hur|vad|vilken|vilket|vilka|varfor|varför|nar|när)\\b)`, 'i');

export class KnowledgeMatcher {
  private readonly near: NearestExamples;
  /** By label (`knowledge:<id>`): the words an entry needs, for the entries that name some. */
  private readonly needs = new Map<string, PhraseSet>();
  /** The entries a fact hears said as a statement, and the fact. */
  private readonly said: Array<{ id: string; fact: CompiledFact }> = [];

  constructor(
    entries: readonly KnowledgeQuestions[],
    private readonly cues: KnowledgeCues,
  ) {
    const examples: Example[] = [];
    for (const e of entries) {
      for (const lang of LANGS) for (const text of e.questions[lang]) examples.push({ label: `knowledge:${e.id}`, lang, text });
      if (e.needs) this.needs.set(`knowledge:${e.id}`, compilePhrases([...e.needs.en, ...e.needs.sv], false));
      const fact = e.said_as ? cues.said?.get(e.said_as) : undefined;
      if (fact) this.said.push({ id: e.id, fact });
    }
    this.near = new NearestExamples(examples);
  }

  /**
   * The entries a message of several questions asks, when an entry answers two or more of them
   * ("do I need it from home, and which app?"); none otherwise. Each part keeps its question mark
   * (a part before "and how…" shares the one its sentence ends with), and two words make a part.
   */
  questionsAsked(text: string): string[] {
    const parts = questionParts(text);
    if (parts.length < 2) return [];
    const ids: string[] = [];
    for (const part of parts) {
      const hit = this.match(part);
      if (hit?.kind === 'answer' && hit.id && !hit.said && !ids.includes(hit.id)) ids.push(hit.id);
    }
    return ids.length >= 2 ? ids : [];
  }

  /**
   * The entries the further questions of a message ask, beyond `first`: "which app should I use,
   * and how long does activation take?" is two questions, each answered.
   */
  alsoAsked(text: string, first: string): string[] {
    const parts = text.split(QUESTION_BREAK).filter((p) => p && p.trim().split(/\s+/).length >= 3);
    if (parts.length < 2) return [];
    const ids: string[] = [];
    for (const part of parts) {
      const hit = this.match(part);
      if (hit?.kind === 'answer' && hit.id && hit.id !== first && !ids.includes(hit.id)) ids.push(hit.id);
    }
    return ids;
  }

  /**
   * A problem reported with a question beside it ("my code is rejected, and which app should I
   * use?", "I lost my phone. How long does activation take?"): the report's own words, and the
   * entries that answer the questions, each once. Undefined unless the message holds both; whether
   * the report's words open a topic is for the conversation to say.
   */
  besideReport(text: string): { report: string; entries: string[] } | undefined {
    const parts = text.split(BESIDE_BREAK).filter((p) => p && p.trim().split(/\s+/).length >= 3);
    if (parts.length < 2) return undefined;
    const report: string[] = [];
    const entries: string[] = [];
    for (const part of parts) {
      const hit = this.match(part);
      if (hit?.kind === 'answer' && hit.id && hit.score >= KNOWLEDGE_THRESHOLDS.beside) {
        if (!entries.includes(hit.id)) entries.push(hit.id);
      } else report.push(part.trim());
    }
    const said = report.join('. ');
    // What is left must tell something (a report, or a statement: "I lost my phone"), not ask it.
    const shape = shapeOf(said, this.cues);
    if (!entries.length || !report.length || (!shape.report && shape.question)) return undefined;
    return { report: said, entries };
  }

  /** The entry `text` asks for, a question none answers, or undefined (not a question for the base). */
  match(text: string): KnowledgeHit | undefined {
    const clauses = phraseClauses(text);
    const shape = shapeOf(text, this.cues, clauses);
    // Said as a statement a fact hears ("at the hotel it asks me for a code"), a report or not.
    for (const s of this.said) if (matchFact(s.fact, clauses)) return { kind: 'answer', id: s.id, score: 1, lang: null, capability: false, said: true };
    if (shape.report) return undefined;
    // The nearest entry whose words the message holds (most entries need none).
    let named = false;
    const best = this.near.rank(text, () => true, NEAREST_ENTRIES).find((g) => {
      const needs = this.needs.get(g.label);
      named = needs !== undefined && findPhrase(clauses, needs) !== undefined;
      return !needs || named;
    });
    const hit = (kind: KnowledgeHit['kind']): KnowledgeHit => ({ kind, id: best ? best.label.slice('knowledge:'.length) : null, score: best ? Math.round(best.score * 1000) / 1000 : 0, lang: best?.lang ?? null, capability: shape.capability, named });
    // A question naming the entry's own words is about it, whatever its frame ("can I get it by sms?").
    const threshold = shape.question && named ? KNOWLEDGE_THRESHOLDS.named : shape.capability ? KNOWLEDGE_THRESHOLDS.capability : shape.question ? KNOWLEDGE_THRESHOLDS.question : KNOWLEDGE_THRESHOLDS.statement;
    if (best && best.score >= threshold) return hit('answer');
    if (shape.question) return hit('unknown');
    return undefined;
  }
}

const matchers = new WeakMap<FlowSet, KnowledgeMatcher>();

/** The matcher of a flow set's knowledge base, trained the first time it is asked; none without a base. */
export function knowledgeMatcherOf(flows: FlowSet): KnowledgeMatcher | undefined {
  const { knowledge } = knowledgeOf(flows);
  if (knowledge.size === 0) return undefined;
  let m = matchers.get(flows);
  if (!m) {
    const rules = factRulesOf(flows);
    const question = rules.get('question');
    const problemReport = rules.get('problem_report');
    const capability = rules.get('capability');
    const said = new Map([...knowledge.values()].flatMap((e) => (e.said_as && rules.has(e.said_as) ? [[e.said_as, rules.get(e.said_as) as CompiledFact] as const] : [])));
    matchers.set(flows, (m = new KnowledgeMatcher([...knowledge.values()], { ...(question ? { question } : {}), ...(problemReport ? { problemReport } : {}), ...(capability ? { capability } : {}), said })));
  }
  return m;
}

/** One question under two entries: the matcher could give either answer (`flows check` prints it). */
export function knowledgeProblems(flows: FlowSet): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const askedIn = new Map<string, string>();
  for (const entry of knowledgeOf(flows).knowledge.values()) {
    problems.push(...needsProblems(entry));
    for (const lang of LANGS) {
      for (const q of entry.questions[lang]) {
        const key = fold(q);
        const other = askedIn.get(key);
        if (other && other !== entry.id) problems.push({ file: entry.file, key: `questions.${lang}`, message: `"${q}" is also a question of ${other}` });
        askedIn.set(key, entry.id);
      }
    }
  }
  return problems;
}

/** Words an entry needs that cannot be compiled, and questions of its own that hold none of them. */
function needsProblems(entry: KnowledgeEntry): FlowProblem[] {
  if (!entry.needs) return [];
  const problems: FlowProblem[] = [];
  const compiled: string[] = [];
  for (const lang of LANGS) {
    entry.needs[lang].forEach((p, i) => {
      try {
        compilePhrases([p], false);
        compiled.push(p);
      } catch (err) {
        problems.push({ file: entry.file, key: `needs.${lang}.${i}`, message: (err as Error).message });
      }
    });
  }
  const needs = compilePhrases(compiled, false);
  for (const lang of LANGS) {
    entry.questions[lang].forEach((q, i) => {
      if (findPhrase(phraseClauses(q), needs) === undefined) problems.push({ file: entry.file, key: `questions.${lang}.${i}`, message: `"${q}" holds none of the words the entry needs` });
    });
  }
  return problems;
}
