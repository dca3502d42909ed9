// Runs a check by id, each within its own time limit (capped by the operator's): a check that
// overruns gives its "could not tell" outcome, never a hung turn.
import { CHECKS, type AnyCheck, type CheckId } from './catalogue.ts';
import { HelpdeskError } from '../errors.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';

export interface CheckRunner {
  /** A built-in check's id, or the id of one the runner was given beside them. */
  run(id: CheckId, input: CheckInput): Promise<CheckOutput>;
  /** The checks it runs, when not the built-in set: a diagnostic report picks from these. */
  checks?: readonly AnyCheck[];
}

export function createCheckRunner(
  deps: CheckDeps,
  timeoutMs: number,
  onFault: (id: CheckId, err: unknown) => void = () => {},
  checks: readonly AnyCheck[] = CHECKS,
): CheckRunner {
  const byId = new Map(checks.map((c) => [c.id, c]));
  return {
    checks,
    async run(id, input) {
      const check = byId.get(id);
      if (!check) throw new HelpdeskError('check.fault', `no check "${id}" in this runner`);
      const limitMs = Math.min(check.timeoutMs, timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckOutput>((resolve) => {
        timer = setTimeout(() => resolve(check.undecided(input, `no answer within ${limitMs} ms`)), limitMs);
      });
      try {
        return await Promise.race([check.run(deps, input), timeout]);
      } catch (err) {
        // A check throws only for a bug; the person still gets an answer.
        onFault(id, err);
        return check.undecided(input, 'internal fault');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
