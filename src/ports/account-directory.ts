// The account directory: who has an account, and can it be used? The Enrollment API, LDAP or the
// demo answer it; the checks see only this port.
import { z } from 'zod';
import type { ForgetsAnswers, Upstream } from './upstream.ts';

export const Account = z.object({
  username: z.string().min(1),
  email: z.string(),
  /** `locked`: a password policy locked it (LDAP ppolicy); `suspended`: the centre switched it off. */
  status: z.enum(['active', 'expired', 'suspended', 'locked']),
  /** Optional (Enrollment API v1 extension; LDAP shadowExpire): when the account ends or ended. */
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Optional: since when a password policy has locked it (LDAP pwdAccountLockedTime). */
  lockedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Optional: why it is not active, when the directory says (`expired`, `nologin-shell`, `password-policy`). */
  inactiveReason: z.enum(['expired', 'nologin-shell', 'password-policy']).nullable().optional(),
});
export type Account = z.infer<typeof Account>;

export interface AccountDirectory extends Partial<ForgetsAnswers> {
  getAccount(username: string): Promise<Upstream<Account>>;
  findAccountsByEmail(email: string): Promise<Upstream<Account[]>>;
}
