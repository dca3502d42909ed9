// Is the code the person typed right for now? Asked of the enrollment API (the bot never holds a
// secret), with a per-account limit so the helpdesk is no way around the login's own limits.
import type { CheckDeps, CheckInput, CheckOutput } from './context.ts';
import { result } from './context.ts';
import { agreedCodeOffset, classifyClock } from './clock.ts';
import { lookupAccount } from './account.ts';
import { z } from 'zod';
import { defineCheck } from './define.ts';

export async function codeCheck(deps: CheckDeps, input: CheckInput): Promise<CheckOutput> {
  const lang = input.lang;
  const user = input.user ?? '';
  const unverifiable = (reason: string) => ({
    result: result('code', 'code.unverifiable', 'unknown', { offsetSteps: null, reason }, lang),
  });
  if (!input.code || !user) return unverifiable('no code or no username');
  let username = user;
  if (user.includes('@')) {
    const a = await lookupAccount(deps, user);
    if (a.kind !== 'found') return unverifiable(a.kind === 'missing' ? 'no account for that address' : a.detail);
    username = a.account.username;
  }
  if (!(await deps.codeAttempts.allow(username))) return unverifiable('rate-limited');
  const r = await deps.tokens.verifyCode(username, input.code, deps.settings.codeSearchSteps);
  if (!r.ok) return unverifiable(r.reason === 'unsupported' ? 'the token back-end cannot check codes without using them up' : r.detail);
  const { matched, offsetSteps } = r.value;
  const off = matched ? offsetSteps : null;
  const reused = input.reusedAfterSeconds !== undefined;
  const data = { offsetSteps: off, reused, ...(reused ? { reusedAfterSeconds: input.reusedAfterSeconds } : {}), ...(r.value.consumed ? { consumed: true } : {}) };
  const valid = off !== null && Math.abs(off) <= deps.settings.codeValidSteps;

  let out: CheckOutput;
  if (valid) out = { result: result('code', 'code.valid', 'pass', data, lang) };
  else if (reused || (off !== null && off < 0)) out = { result: result('code', 'code.stale', 'fail', data, lang) };
  else if (off !== null) out = { result: result('code', 'code.ahead', 'fail', data, lang) };
  else out = { result: result('code', 'code.invalid', 'fail', data, lang) };

  const agreed = agreedCodeOffset([...(input.codeOffsets ?? []), off]);
  // A code from the future needs no second one: nobody can type a code before the app shows it,
  // so only a clock that runs fast explains it (an old code may have been noted down).
  const ahead = off !== null && !reused && off > deps.settings.codeValidSteps ? off : undefined;
  const evidence = agreed !== undefined && !reused && Math.abs(agreed) > deps.settings.codeValidSteps ? agreed : ahead;
  if (evidence !== undefined) {
    const ref = deps.reference.now();
    out.extra = [classifyClock(evidence * 30, 15, ref.reference, 'codes', deps.settings, lang)];
  }
  return out;
}

const CODE_CODES = ['code.valid', 'code.stale', 'code.ahead', 'code.invalid', 'code.unverifiable'] as const;
declare module '../ports/checks.ts' {
  interface CheckKinds {
    code: typeof CODE_CODES;
  }
}

export const CodeData = z.object({
  offsetSteps: z.number().nullable(),
  reused: z.boolean().optional(),
  reusedAfterSeconds: z.number().optional(),
  consumed: z.boolean().optional(),
  reason: z.string().optional(),
});

export const code = defineCheck({
  id: 'code',
  codes: CODE_CODES,
  data: CodeData,
  fields: ['offsetSteps'],
  timeoutMs: 10_000,
  inReport: (input) => Boolean(input.code),
  undecided: (input, reason) => ({ result: result('code', 'code.unverifiable', 'unknown', { offsetSteps: null, reason }, input.lang) }),
  run: codeCheck,
});
