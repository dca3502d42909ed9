// Proof of identity for channels that cannot vouch for the person (web, Discord): a short one-time
// code mailed to the address on the account, which the person types into the conversation that
// asked. Opening or prefetching a mail proves nothing; only typing the code in that chat does. The
// answer to a request never reveals whether an account exists, in words or in time.
import type { Lang } from './lang.ts';

export interface ProofRequest {
  conversationId: string;
  /** A username or e-mail address, as typed. */
  who: string;
  lang: Lang;
  /** Where the request came from (an IP address, or a platform's user): rate limits; the mail says an address. */
  origin?: string;
  /** The channel the conversation is on (web, discord, …), named in the mail. */
  channel: string;
  /** The same key again (a turn run again after its replica died) sends no second mail while the code holds. */
  key?: string;
}

export type ProofConfirmation =
  /** `email`: the address the code was mailed to, which the person has just shown they read. */
  | { ok: true; user: string; email?: string }
  | { ok: false; reason: 'wrong' | 'expired' | 'none' | 'locked' };

export interface IdentityProof {
  /**
   * Queues the mail and returns at once: the lookup and the SMTP conversation happen after the turn,
   * so a turn takes as long for an unknown name as for a real one.
   */
  sendProof(request: ProofRequest): Promise<void>;
  /** Checks a code typed into conversation `conversationId`; a few wrong tries burn the code. */
  confirm(conversationId: string, code: string): Promise<ProofConfirmation>;
}

/** The proof by mail: the mail is sent after the turn; `idle` resolves once none waits to be sent. */
export interface MailedProof extends IdentityProof {
  idle(): Promise<void>;
}
