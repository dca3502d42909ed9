// The centre's enrollment API (v1; the contract is docs/enrollment-api.yaml). The schemas are the contract: every
// answer that enters the bot passes one of them. It serves both the account directory and the
// token registry, whose schemas it shares.
import { z } from 'zod';
import { Account, type AccountDirectory } from './account-directory.ts';
import { Token, VerifyAnswer, type TokenRegistry } from './token-registry.ts';

export { Account, Token, VerifyAnswer };
export type { Upstream } from './upstream.ts';

export const AccountList = z.object({ accounts: z.array(Account) });
export const TokenList = z.object({ tokens: z.array(Token) });

export interface EnrollmentPort extends AccountDirectory, TokenRegistry {}

/** The embedded demo of the Enrollment API (no ENROLLMENT_API_URL): its address and its demo users' tokens. */
export interface DemoEnrollment {
  readonly url: string;
  /** A person registering a new token on the enrolment page, now: pending until activated. */
  registerPending(username: string): void;
  /** The centre's import job finishing: the user's pending tokens become active; false for an unknown user. */
  activate(username: string): boolean;
  /** Requests it has answered (the benchmarks count upstream calls). */
  totalRequests(): number;
}
