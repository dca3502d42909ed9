// The centre's enrollment API (v1, see ARCHITECTURE.md). The schemas are the contract: every
// answer that enters the bot passes one of them.
import { z } from 'zod';

export const Account = z.object({
  username: z.string().min(1),
  email: z.string(),
  status: z.enum(['active', 'expired', 'suspended']),
  /** Optional (v1 extension): when the account (its project membership) ends. */
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type Account = z.infer<typeof Account>;

export const Token = z.object({
  id: z.string().min(1),
  type: z.literal('totp'),
  state: z.enum(['pending', 'active', 'disabled', 'revoked', 'locked']),
  registeredAt: z.iso.datetime({ offset: true }),
  activatedAt: z.iso.datetime({ offset: true }).nullable(),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  failCount: z.number().int().nonnegative(),
});
export type Token = z.infer<typeof Token>;

export const AccountList = z.object({ accounts: z.array(Account) });
export const TokenList = z.object({ tokens: z.array(Token) });
export const VerifyAnswer = z.object({
  matched: z.boolean(),
  offsetSteps: z.number().int().nullable(),
  tokenId: z.string().nullable(),
});
export type VerifyAnswer = z.infer<typeof VerifyAnswer>;

export type Upstream<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'not-found' | 'unsupported' | 'unavailable'; detail: string };

export interface EnrollmentPort {
  getAccount(username: string): Promise<Upstream<Account>>;
  findAccountsByEmail(email: string): Promise<Upstream<Account[]>>;
  listTokens(username: string): Promise<Upstream<Token[]>>;
  verifyCode(username: string, code: string, maxSkewSteps: number): Promise<Upstream<VerifyAnswer>>;
}
