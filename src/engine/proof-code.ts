// The code mailed to prove who someone is, as typed back: the engine's own, not a TOTP code.

/** Proof-of-identity codes: consonants only, so never a word, a TOTP code or a username by accident. */
export const PROOF_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const PROOF_LENGTH = 8;
const PROOF_CODE = new RegExp(`^[${PROOF_ALPHABET}]{${PROOF_LENGTH}}$`);

/** `KXTR-PMWB`, `kxtrpmwb`, `kxtr pmwb` → `KXTRPMWB`; anything else is not a proof code. */
export function parseProofCode(text: string): string | undefined {
  const t = text.trim().replace(/[\s-]/g, '').toUpperCase();
  return PROOF_CODE.test(t) ? t : undefined;
}
