// The knowledge base: questions about two-factor answered from the centre's own page, one entry a
// file in flows/knowledge/ (its id is its file name). Each has what people ask, in both languages;
// the answer in both; the topic it belongs to (offered after the answer at the start of a
// conversation); and its source, a link the deployment configures. Checked at load like a flow:
// shape, known placeholders, a known topic, and no address written into the text.
import path from 'node:path';
import { z } from 'zod';
import { LANGS, placeholdersOf } from '../i18n/index.ts';
import { RULE_FACTS, type FactFiles } from './fact-files.ts';
import { Examples, Text, type FlowSet } from './schema.ts';
import { isKnownPlaceholder } from './words.ts';
import type { FlowProblem } from './problems.ts';
import { readYamlFile, yamlFilesIn } from './yaml-file.ts';

/** The centre's addresses an answer may cite: each one a setting of the deployment. */
export const SOURCE_WORDS = ['setup_guide_url', 'support_url', 'enrollment_url', 'time_check_url', 'privacy_url'] as const;

/** Questions per language an entry needs at least: fewer and the matcher guesses. */
export const MIN_QUESTIONS = 5;

export const KnowledgeEntryFile = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'an entry id in snake_case'),
  /** The topic (flow id) this question belongs to: offered after the answer at the start. */
  topic: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a flow id').optional(),
  /** Which configured address the answer comes from. */
  source: z.enum(SOURCE_WORDS),
  questions: Examples,
  /**
   * Words one of which a message must hold for this entry to answer it (phrases as in flows/facts/,
   * either language): an entry about the network needs a place or a network ("here", "hotel",
   * "härifrån"), so "why do I need two-factor?" goes past it to the next nearest entry.
   */
  needs: Examples.optional(),
  /**
   * A fact of flows/facts/ that hears this entry's question said as a statement ("I'm at a hotel and
   * it asks me for a code" is the network question): answered, and at the start the entry's topic
   * goes on.
   */
  said_as: z.enum(RULE_FACTS).optional(),
  /**
   * Messages of the entry's topic that its answer already says (`rule`: what decides whether
   * two-factor is needed): when the topic goes on after the answer in the same turn, they are not
   * said again.
   */
  covers: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a message key of the topic')).optional(),
  answer: Text,
});

export interface KnowledgeEntry extends z.infer<typeof KnowledgeEntryFile> {
  file: string;
}

/** Entries by id, in file order. */
export type KnowledgeBase = ReadonlyMap<string, KnowledgeEntry>;

const URL_IN_TEXT = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\.[a-z]/i;

function entryProblems(file: string, e: KnowledgeEntry, flows: FlowSet): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const at = (key: string, message: string) => problems.push({ file, key, message });
  if (path.basename(file).replace(/\.ya?ml$/, '') !== e.id) at('id', `the id must be the file's name (${path.basename(file)})`);
  if (e.topic && !flows.get(e.topic)?.topic) at('topic', `no topic "${e.topic}" among the flows`);
  if (e.covers?.length && !e.topic) at('covers', 'covers names messages of the entry\'s topic: the entry needs a topic');
  const topic = e.topic ? flows.get(e.topic) : undefined;
  for (const key of topic ? (e.covers ?? []) : []) if (!(key in topic!.messages)) at('covers', `no message "${key}" in the topic ${e.topic}`);
  for (const lang of LANGS) {
    if (e.questions[lang].length < MIN_QUESTIONS) at(`questions.${lang}`, `at least ${MIN_QUESTIONS} questions in ${lang} (what people type)`);
    const text = e.answer[lang];
    for (const name of placeholdersOf(text)) if (!isKnownPlaceholder(name)) at(`answer.${lang}`, `unknown placeholder {${name}}`);
    if (URL_IN_TEXT.test(text)) at(`answer.${lang}`, 'an address in the text: cite a configured one as a placeholder, like {support_url}');
  }
  return problems;
}

/** Loads every entry in `dir` (absent: no knowledge base). Never throws: every problem is returned. */
export function loadKnowledge(dir: string, flows: FlowSet): { knowledge: KnowledgeBase; problems: FlowProblem[] } {
  const knowledge = new Map<string, KnowledgeEntry>();
  const problems: FlowProblem[] = [];
  for (const { file } of yamlFilesIn(dir)) {
    const { data, problems: own } = readYamlFile(file, KnowledgeEntryFile);
    problems.push(...own);
    if (!data) continue;
    const entry: KnowledgeEntry = { ...data, file };
    problems.push(...entryProblems(file, entry, flows));
    if (knowledge.has(entry.id)) problems.push({ file, key: 'id', message: `entry id already used in ${knowledge.get(entry.id)?.file}` });
    knowledge.set(entry.id, entry);
  }
  return { knowledge, problems };
}

export interface KnowledgeData {
  knowledge: KnowledgeBase;
  /** The facts written as rules (flows/facts/), as read: takeover, question, problem report, about two-factor, capability. */
  facts: FactFiles;
}

const EMPTY: KnowledgeData = { knowledge: new Map(), facts: new Map() };
const registry = new WeakMap<FlowSet, KnowledgeData>();

/** A flow set loaded from a folder carries its knowledge base and fact rules, as it carries `opens`. */
export function registerKnowledge(flows: FlowSet, data: KnowledgeData): void {
  registry.set(flows, data);
}

export function knowledgeOf(flows: FlowSet): KnowledgeData {
  return registry.get(flows) ?? EMPTY;
}
