// `flows test`: how well the understanding does on a file of labelled messages, per label and
// language, with the confusions, so a flow author sees what a new example fixed or broke.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { decideByFacts, interpret, type InterpretEnv, type Interpretation, type Position } from './interpret.ts';
import { extractSlots } from './extract.ts';
import { factReadersOf } from './hear.ts';
import { consultKnowledge, withKnowledge } from './knowledge-consult.ts';
import { Examples } from '../flows/schema.ts';
import { LANGS, type Lang } from '../i18n/catalogue.ts';
import { HelpdeskError } from '../errors.ts';

const LabelledFile = z.array(
  z.strictObject({
    at: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'FLOW.STEP').optional(),
    expect: z.record(z.string(), Examples),
  }),
);

/** What `flows test` measures by default: short messages, long first messages, questions for the knowledge base. */
export const LABELLED_FILES = ['test/understanding/messages.yaml', 'test/understanding/long-messages.yaml', 'test/understanding/knowledge.yaml'];

export interface Case {
  at?: string;
  expected: string;
  lang: Lang;
  text: string;
}

export interface Outcome extends Case {
  got: string;
  meaning: Interpretation;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** label -> lang -> [correct, total] */
  perLabel: Record<string, Record<Lang, [number, number]>>;
  misses: Outcome[];
}

/** What an interpretation amounts to, in the words of the labelled file. */
export function labelOf(m: Interpretation): string {
  switch (m.action) {
    case 'topic':
      return m.topic ?? 'unclear';
    case 'choice':
      return m.choice ?? 'unclear';
    case 'handover':
      return 'human';
    case 'menu':
    case 'skip':
    case 'unclear':
      return m.action;
    case 'answer':
      return m.intent ?? 'answer';
  }
}

/** A conversation standing at `at` (FLOW.STEP), or at the menu. */
export function positionAt(env: InterpretEnv, at: string | undefined): Position {
  if (!at) return { status: 'menu', flow: null, step: null };
  const [flow = '', step = ''] = at.split('.');
  if (!env.flows.get(flow)?.steps[step]) throw new HelpdeskError('config.invalid', `--at ${at}: no step "${step}" in a flow "${flow}"`);
  return { status: 'active', flow, step };
}

export function loadCases(file: string): Case[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new HelpdeskError('config.invalid', `${file}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const parsed = LabelledFile.safeParse(raw);
  if (!parsed.success) throw new HelpdeskError('config.invalid', `${file}: ${z.prettifyError(parsed.error).split('\n').slice(0, 2).join(' ')}`);
  const cases: Case[] = [];
  for (const block of parsed.data) {
    for (const [expected, ex] of Object.entries(block.expect)) {
      for (const lang of LANGS) for (const text of ex[lang]) cases.push({ ...(block.at ? { at: block.at } : {}), expected, lang, text: String(text) });
    }
  }
  return cases;
}

/**
 * `none` (what the helpdesk does not do), `unclear` and `unknown` (a question nothing answers) all
 * mean: no topic is forced on it. A knowledge answer counts for its entry, and for the topic it
 * belongs to (offered after the answer).
 */
const NO_TOPIC = new Set(['none', 'unclear', 'unknown']);
const sameLabel = (got: string, expected: string, m: Interpretation) =>
  got === expected || (NO_TOPIC.has(got) && NO_TOPIC.has(expected)) || (got.startsWith('knowledge:') && m.topic === expected);

/** What a message means, as the conversation decides it: the facts first, then the meaning, then the knowledge base. */
export function understandAt(env: InterpretEnv, at: Position, text: string): Interpretation {
  const facts = decideByFacts(env, at, extractSlots(text, undefined, factReadersOf(env.flows)));
  // A person wanted, unless the way to one is asked ("how do I contact support?"): the chat answers that.
  if (facts?.action === 'handover') return withKnowledge(facts, consultKnowledge(env.flows, at, text, facts));
  if (facts) return facts;
  const meaning = interpret(env, at, text);
  return withKnowledge(meaning, consultKnowledge(env.flows, at, text, meaning));
}

export function evaluate(env: InterpretEnv, cases: Case[]): Evaluation {
  const perLabel: Evaluation['perLabel'] = {};
  const misses: Outcome[] = [];
  let correct = 0;
  for (const c of cases) {
    const at = positionAt(env, c.at);
    // As the conversation does: the facts said first (a person, a takeover, the phone), then the meaning.
    const meaning = understandAt(env, at, c.text);
    const got = labelOf(meaning);
    const row = (perLabel[c.expected] ??= { en: [0, 0], sv: [0, 0] });
    row[c.lang][1]++;
    if (sameLabel(got, c.expected, meaning)) {
      row[c.lang][0]++;
      correct++;
    } else misses.push({ ...c, got, meaning });
  }
  return { total: cases.length, correct, accuracy: cases.length ? correct / cases.length : 0, perLabel, misses };
}

/** Right and total per language, over every label. */
export function perLanguage(e: Evaluation): Record<Lang, [number, number]> {
  const out: Record<Lang, [number, number]> = { en: [0, 0], sv: [0, 0] };
  for (const r of Object.values(e.perLabel)) {
    for (const lang of LANGS) {
      out[lang][0] += r[lang][0];
      out[lang][1] += r[lang][1];
    }
  }
  return out;
}

export function formatEvaluation(e: Evaluation, file?: string): string {
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : '-');
  const langs = perLanguage(e);
  const lines = [
    `${e.correct} of ${e.total} right: ${pct(e.correct, e.total)}${file ? ` (${file})` : ''}`,
    `en ${langs.en[0]}/${langs.en[1]} ${pct(...langs.en)}, sv ${langs.sv[0]}/${langs.sv[1]} ${pct(...langs.sv)}`,
    '',
    'label                 en              sv',
  ];
  for (const [label, r] of Object.entries(e.perLabel).sort()) {
    lines.push(`${label.padEnd(20)}  ${`${r.en[0]}/${r.en[1]} ${pct(...r.en)}`.padEnd(14)}  ${r.sv[0]}/${r.sv[1]} ${pct(...r.sv)}`);
  }
  if (e.misses.length) {
    lines.push('', 'confusions (expected -> understood):');
    for (const m of e.misses) lines.push(`  ${m.at ? `[${m.at}] ` : ''}${m.expected} -> ${m.got} (${m.meaning.confidence}) ${m.lang}: ${m.text}`);
  }
  return lines.join('\n');
}
