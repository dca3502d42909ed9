// A check in one place: its id, the outcome codes it answers, a zod schema of its data, the data a
// flow may show, its time limit, when a diagnostic report runs it, its "could not tell" outcome and
// its run function. `src/checks/catalogue.ts` lists the definitions; ids and codes derive from them.
import { z } from 'zod';
import type { CheckCode, CheckId, CheckResult } from '../ports/checks.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';

export interface CheckDefinition<Id extends string = CheckId, Code extends string = CheckCode, Data extends z.ZodType = z.ZodType> {
  id: Id;
  codes: readonly Code[];
  /** What its results carry in `data`: staff reports and tickets read it through this schema. */
  data: Data;
  /** Data fields every result carries; flows may show them as `{check.<id>.<field>}`. */
  fields: readonly string[];
  /** Its own time limit (ms); the operator's CHECK_TIMEOUT_MS caps it. */
  timeoutMs: number;
  /** Whether a diagnostic report (`diagnose`, staff commands) runs it for what was asked. */
  inReport(input: CheckInput): boolean;
  /** The outcome when it could not tell: no answer within its time limit, or a fault. */
  undecided(input: CheckInput, reason: string): CheckOutput;
  run(deps: CheckDeps, input: CheckInput): Promise<CheckOutput>;
}

export function defineCheck<const Id extends string, const Code extends string, Data extends z.ZodType>(
  definition: CheckDefinition<Id, Code, Data>,
): CheckDefinition<Id, Code, Data> {
  return definition;
}

/** A result's data, typed by its check's schema; undefined when it does not fit (a report from elsewhere). */
export function dataOf<Data extends z.ZodType>(definition: { data: Data }, result: Pick<CheckResult, 'data'>): z.infer<Data> | undefined {
  const parsed = definition.data.safeParse(result.data);
  return parsed.success ? parsed.data : undefined;
}

/**
 * One field of a result's data, typed by its check's schema; undefined when the result lacks it or
 * holds something else there. Reads one field where the rest of the data need not fit (an older
 * stored finding, a test's partial one).
 */
export function fieldOf<Shape extends z.ZodRawShape, Key extends keyof Shape & string>(
  definition: { data: z.ZodObject<Shape> },
  result: Pick<CheckResult, 'data'>,
  key: Key,
): z.infer<Shape[Key]> | undefined {
  const schema: Shape[Key] = definition.data.shape[key];
  const parsed = z.safeParse(schema, result.data[key]);
  return parsed.success ? (parsed.data as z.infer<Shape[Key]>) : undefined;
}
