// Proof of identity for channels that cannot vouch for the person (web, Discord): a one-time link
// sent to the e-mail address on the account. The answer never reveals whether an account exists.

export interface ProofRequest {
  conversationId: string;
  /** A username or e-mail address, as typed. */
  who: string;
  lang: 'en' | 'sv';
  /** Where the request came from (an IP address), for rate limits. */
  origin?: string;
}

export interface IdentityProof {
  /** Sends a link when an account matches and the limits allow; resolves the same way either way. */
  sendProof(request: ProofRequest): Promise<void>;
}
