// The token registry: a person's TOTP tokens and their state, and (where the back-end can without
// harm) whether a code matches. The Enrollment API, privacyIDEA, OpenLDAP's otp overlay or the demo
// answer it; the checks see only this port. No back-end ever hands the bot a secret.
import { z } from 'zod';
import type { ForgetsAnswers, Upstream } from './upstream.ts';

export const Token = z.object({
  id: z.string().min(1),
  type: z.literal('totp'),
  /** `locked`: too many wrong codes (failCount reached failLimit); staff can reset it, the bot never does. */
  state: z.enum(['pending', 'active', 'disabled', 'revoked', 'locked']),
  registeredAt: z.iso.datetime({ offset: true }),
  activatedAt: z.iso.datetime({ offset: true }).nullable(),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  failCount: z.number().int().nonnegative(),
  /** Optional: wrong codes allowed before the token locks (privacyIDEA's maxfail). */
  failLimit: z.number().int().nonnegative().nullable().optional(),
  /**
   * Optional: the clock offset the back-end learned at the last good code, in seconds, device minus
   * server (privacyIDEA's timeShift, the otp overlay's drift × period); null when it knows none.
   */
  driftSeconds: z.number().nullable().optional(),
  /** Optional: the token's time step in seconds (30 unless the back-end says otherwise). */
  periodSeconds: z.number().int().positive().optional(),
});
export type Token = z.infer<typeof Token>;

export const VerifyAnswer = z.object({
  matched: z.boolean(),
  offsetSteps: z.number().int().nullable(),
  tokenId: z.string().nullable(),
  /** Optional: a match used the code up (privacyIDEA): the person must wait for the next one. */
  consumed: z.boolean().optional(),
});
export type VerifyAnswer = z.infer<typeof VerifyAnswer>;

export interface TokenRegistry extends Partial<ForgetsAnswers> {
  listTokens(username: string): Promise<Upstream<Token[]>>;
  /** `unsupported` when the back-end cannot check a code without harm (the clock is measured otherwise). */
  verifyCode(username: string, code: string, maxSkewSteps: number): Promise<Upstream<VerifyAnswer>>;
}
