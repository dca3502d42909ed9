// Runs a check by id, each within its own time limit: a check that overruns gives its
// "could not tell" outcome, never a hung turn.
import type { CheckId, CheckResult } from './catalogue.ts';
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';
import { result } from './context.ts';
import { accountCheck } from './account.ts';
import { tokenCheck } from './token.ts';
import { clockCheck } from './clock.ts';
import { codeCheck } from './code.ts';
import { networkCheck } from './network.ts';
import type { Lang } from '../i18n/index.ts';

const CHECKS: Record<CheckId, (deps: CheckDeps, input: CheckInput) => Promise<CheckOutput>> = {
  account: accountCheck,
  token: tokenCheck,
  clock: clockCheck,
  code: codeCheck,
  network: networkCheck,
};

export function undecided(id: CheckId, lang: Lang, reason: string, input: CheckInput): CheckResult {
  switch (id) {
    case 'account':
      return result(id, 'account.unavailable', 'unknown', { username: input.user ?? null, status: null, reason }, lang);
    case 'token':
      return result(id, 'token.unavailable', 'unknown', { state: null, registeredAt: null, minutesSinceRegistration: null, reason }, lang);
    case 'clock':
      return result(id, 'clock.unmeasured', 'unknown', { offsetSeconds: null, reference: null, reason }, lang);
    case 'code':
      return result(id, 'code.unverifiable', 'unknown', { offsetSteps: null, reason }, lang);
    case 'network':
      return result(id, 'network.dns-error', 'unknown', { ip: input.ip ?? null, ptr: [], confirmedName: null, twoFactorRequired: true, reason }, lang);
  }
}

export interface CheckRunner {
  run(id: CheckId, input: CheckInput): Promise<CheckOutput>;
}

export function createCheckRunner(deps: CheckDeps, timeoutMs: number, onFault: (id: CheckId, err: unknown) => void = () => {}): CheckRunner {
  return {
    async run(id, input) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckOutput>((resolve) => {
        timer = setTimeout(() => resolve({ result: undecided(id, input.lang, `no answer within ${timeoutMs} ms`, input) }), timeoutMs);
      });
      try {
        return await Promise.race([CHECKS[id](deps, input), timeout]);
      } catch (err) {
        // A check throws only for a bug; the person still gets an answer.
        onFault(id, err);
        return { result: undecided(id, input.lang, 'internal fault', input) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
