// Cleans what a person typed before anything else sees it: control characters out, length capped,
// secrets recognised (and never kept), and one normal form for matching.
import { isIP } from 'node:net';

export const INPUT_LIMIT = 2000;

export interface CleanInput {
  text: string;
  tooLong: boolean;
  unprintable: boolean;
  secret: boolean;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g;
const OTPAUTH = /otpauth(-migration)?:\/\//i;
const BASE32_RUN = /\b[A-Z2-7]{16,}={0,6}(?![A-Z2-7])/i;
const BASE32_GROUPED = /\b(?:[A-Z2-7]{4}[ -]){3,}[A-Z2-7]{4}\b/i;

export function looksLikeSecret(text: string): boolean {
  if (OTPAUTH.test(text)) return true;
  for (const re of [BASE32_RUN, BASE32_GROUPED]) {
    const m = text.match(re)?.[0];
    // A TOTP secret mixes letters with the digits 2-7; a long plain word does not.
    if (m && /[2-7]/.test(m) && /[a-z]/i.test(m)) return true;
  }
  return false;
}

/** Control characters (terminal escapes, bidi overrides) out; line breaks and tabs stay. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** The message with anything that looks like a secret or a setup link cut out (the rest is still read). */
export function withoutSecrets(text: string): string {
  return text
    .replace(/otpauth(-migration)?:\/\/\S*/gi, ' ')
    .replace(new RegExp(BASE32_RUN.source, 'gi'), (m) => (/[2-7]/.test(m) && /[a-z]/i.test(m) ? ' ' : m))
    .replace(new RegExp(BASE32_GROUPED.source, 'gi'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function cleanInput(raw: string): CleanInput {
  const tooLong = raw.length > INPUT_LIMIT;
  const cut = tooLong ? raw.slice(0, INPUT_LIMIT) : raw;
  const stripped = cut.normalize('NFC').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  const unprintable = stripped.length === 0 && cut.trim().length > 0;
  return { text: stripped, tooLong, unprintable, secret: looksLikeSecret(stripped) };
}

// What a code is, and cutting codes out of text, is the understanding's rule (the extractor counts
// codes without seeing their digits); the engine reads and redacts codes with the same rule.
export { asciiDigits, parseCode, redactCodes } from './codes.ts';

export function parseIp(text: string): string | undefined {
  const t = text.trim().replace(/^\[|\]$/g, '');
  return isIP(t) ? t : undefined;
}

export function parseUsername(text: string): string | undefined {
  const t = text.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(t)) return t.toLowerCase();
  if (/^[^\s@<>]{1,64}@[^\s@<>]{1,190}\.[^\s@<>]{2,}$/.test(t)) return t.toLowerCase();
  return undefined;
}
