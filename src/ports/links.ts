// Short-lived, signed links (the phone clock check).
export type LinkKind = 'clock';

export interface Link {
  kind: LinkKind;
  conversationId: string;
  expiresAt: number;
}

export type LinkCheck = { ok: true; link: Link } | { ok: false; reason: 'forged' | 'unknown' | 'expired' | 'used' | 'wrong-kind' };

export interface LinkStore {
  /** Creates a link and returns its token (safe in a URL path). */
  create(link: Link): Promise<string>;
  /** Checks a token; with `consume`, a valid link cannot be used again. */
  check(token: string, kind: LinkKind, consume: boolean): Promise<LinkCheck>;
}
