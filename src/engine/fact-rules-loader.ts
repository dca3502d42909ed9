// Reads flows/facts/*.yaml: facts read from a message by rules written in data (see
// understanding/fact-rules.ts), one fact a file, each file named after its fact.
import { compileFact, FactRulesFile, type CompiledFact, type RuleFact } from '../understanding/fact-rules.ts';
import type { FlowProblem } from './problems.ts';
import { readYamlFile, yamlFilesIn } from './yaml-file.ts';

export type FactRules = ReadonlyMap<RuleFact, CompiledFact>;

/** Every fact file in `dir` (absent: none). Never throws: every problem is returned. */
export function loadFactRules(dir: string): { facts: FactRules; problems: FlowProblem[] } {
  const facts = new Map<RuleFact, CompiledFact>();
  const problems: FlowProblem[] = [];
  for (const { name, file } of yamlFilesIn(dir)) {
    const { data, problems: own } = readYamlFile(file, FactRulesFile);
    problems.push(...own);
    if (!data) continue;
    if (name.replace(/\.ya?ml$/, '') !== data.fact) problems.push({ file, key: 'fact', message: `the fact must be the file's name (${name})` });
    const { fact, problems: rules } = compileFact(data);
    problems.push(...rules.map((p) => ({ file, key: p.key, message: p.message })));
    if (fact) facts.set(fact.fact, fact);
  }
  return { facts, problems };
}
