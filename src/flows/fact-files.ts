// flows/facts/*.yaml: facts read from a message by rules written in data, one fact a file named
// after it. Here their shape; the understanding compiles their phrases (understanding/fact-rules.ts).
import { z } from 'zod';
import type { FlowProblem } from './problems.ts';
import { readYamlFile, yamlFilesIn } from './yaml-file.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * The facts that may be written as rules: someone else acting on the account; a message that asks
 * something; a message that reports something not working (a question's answer cannot fix that);
 * a message about two-factor at all; a question whether something works, may be used or costs; a
 * code asked for on a network away from the university (a hotel, abroad, at home).
 */
export const RULE_FACTS = ['takeover', 'question', 'problem_report', 'about_two_factor', 'capability', 'off_network'] as const;
export type RuleFact = (typeof RULE_FACTS)[number];

const Term = z.strictObject({
  /** A "not" just before the phrase voids it ("I did not get a mail"); default: the phrase carries its own negation. */
  negatable: z.boolean().default(false),
  en: z.array(z.string().trim().min(1)).default([]),
  sv: z.array(z.string().trim().min(1)).default([]),
});

export const FactRulesFile = z.strictObject({
  fact: z.enum(RULE_FACTS),
  terms: z.record(z.string().regex(NAME, 'a term name in snake_case'), Term),
  rules: z
    .array(
      z.strictObject({
        /** Every one of these terms is in the message, anywhere in it. */
        all: z.array(z.string().regex(NAME)).min(1),
        /** …and none of these. */
        unless: z.array(z.string().regex(NAME)).default([]),
      }),
    )
    .min(1),
});
export type FactRulesFile = z.infer<typeof FactRulesFile>;

/** A fact file as read, with where it came from (its phrases are compiled by the understanding). */
export interface FactFile extends FactRulesFile {
  file: string;
}

export type FactFiles = ReadonlyMap<RuleFact, FactFile>;

/** Every fact file in `dir` (absent: none). Never throws: every problem is returned. */
export function loadFactFiles(dir: string): { facts: FactFiles; problems: FlowProblem[] } {
  const facts = new Map<RuleFact, FactFile>();
  const problems: FlowProblem[] = [];
  for (const { name, file } of yamlFilesIn(dir)) {
    const { data, problems: own } = readYamlFile(file, FactRulesFile);
    problems.push(...own);
    if (!data) continue;
    if (name.replace(/\.ya?ml$/, '') !== data.fact) problems.push({ file, key: 'fact', message: `the fact must be the file's name (${name})` });
    else facts.set(data.fact, { ...data, file });
  }
  return { facts, problems };
}
