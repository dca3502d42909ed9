// A code typed before its question (in the first message, at the username prompt) is kept for the
// code check a few minutes at most, sealed with the conversation's code key: never in clear.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Past this a held code is too old to say anything about the phone: it is asked for afresh. */
export const HELD_CODE_MS = 3 * 60_000;

const keyOf = (codeKey: string, conversation: string) => createHash('sha256').update(`held-code:${codeKey}:${conversation}`).digest();

export function sealCode(code: string, codeKey: string, conversation: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyOf(codeKey, conversation), iv);
  const body = Buffer.concat([c.update(code, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

export function unsealCode(sealed: string, codeKey: string, conversation: string): string | undefined {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const d = createDecipheriv('aes-256-gcm', keyOf(codeKey, conversation), raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

// A code in free text is found by the one rule for codes (understanding/codes.ts).
export { codeInText } from '../understanding/codes.ts';
