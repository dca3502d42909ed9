// Short-lived, signed, single-use links (a phone clock check, a proof of identity).
export type LinkKind = 'clock' | 'proof';

export interface Link {
  kind: LinkKind;
  conversationId: string;
  /** For a proof: the username it proves. */
  subject?: string;
  expiresAt: number;
}

export type LinkCheck = { ok: true; link: Link } | { ok: false; reason: 'forged' | 'unknown' | 'expired' | 'used' | 'wrong-kind' };

export interface LinkStore {
  /** Creates a link and returns its token (safe in a URL path). */
  create(link: Link): string;
  /** Checks a token; with `consume`, a valid link cannot be used again. */
  check(token: string, kind: LinkKind, consume: boolean): LinkCheck;
}
