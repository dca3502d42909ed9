// One data file of the flows folder read and checked: YAML, then its zod schema, every problem
// named by file and key. The knowledge entries and the fact rules are read through it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { FlowProblem } from './problems.ts';

/** The YAML files of `dir`, sorted, with their paths; none when the folder is absent. */
export function yamlFilesIn(dir: string): Array<{ name: string; file: string }> {
  try {
    return readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((name) => ({ name, file: path.join(dir, name) }));
  } catch {
    return [];
  }
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S): { data?: z.infer<S>; problems: FlowProblem[] } {
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) return { problems: doc.errors.map((e) => ({ file, message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => ({ file, ...(i.path.length ? { key: i.path.join('.') } : {}), message: i.message })) };
  return { data: parsed.data, problems: [] };
}
