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

/** Lower case, accents folded, punctuation to spaces: for matching words, never for display. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const known = new Map<string, string>();

/** `normalise` for the bot's own words (labels, keywords), which repeat: computed once each. */
export function normaliseKnown(text: string): string {
  let n = known.get(text);
  if (n === undefined) {
    if (known.size > 10_000) known.clear();
    n = normalise(text);
    known.set(text, n);
  }
  return n;
}

// One rule for what a code is, used both to read a code and to cut codes out of what is kept: 6 to
// 8 decimal digits of any script (ASCII, full-width, Arabic-Indic, …), alone or with one separator
// (a space, a dot, a dash or an en dash) between digits: "847361", "847 361", "84 73 61",
// "8 4 7 3 6 1", "847.361", "847 – 361", "８４７３６１", "٨٤٧٣٦١". A longer run of digits is not a code,
// nor is an IP address (the address a person gives is a finding staff need to read).
const DIGIT = '\\p{Nd}';
const SEPARATOR = '(?:\\s?[.\\-\\u2013]\\s?|\\s)';
const CODE_BODY = `${DIGIT}(?:${SEPARATOR}?${DIGIT}){5,7}`;
const CODE_RUN = new RegExp(`(?<!${DIGIT}${SEPARATOR}?)${CODE_BODY}(?!${SEPARATOR}?${DIGIT})`, 'gu');
const CODE_ALONE = new RegExp(`^${CODE_BODY}$`, 'u');
const ANY_DIGIT = new RegExp(DIGIT, 'gu');

const digitValues = new Map<number, number>();

/** The value of a decimal digit of any script: Unicode keeps each script's 0–9 in a row of ten. */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0) as number;
  let v = digitValues.get(cp);
  if (v === undefined) {
    let start = cp;
    while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    v = (cp - start) % 10;
    if (digitValues.size > 1000) digitValues.clear();
    digitValues.set(cp, v);
  }
  return v;
}

/** Decimal digits of any script as ASCII digits, everything else as it was. */
export function asciiDigits(text: string): string {
  return text.replace(ANY_DIGIT, (d) => (d >= '0' && d <= '9' ? d : String(digitValue(d))));
}

/** Free text with every code-like digit run replaced, for transcripts, tickets and logs. */
export function redactCodes(text: string): string {
  return text.replace(CODE_RUN, (m) => (isIP(m) ? m : '[code]'));
}

/** The code in a message that is only a code, as ASCII digits; anything else is not a code. */
export function parseCode(text: string): string | undefined {
  const t = text.trim();
  if (!CODE_ALONE.test(t) || isIP(t)) return undefined;
  return asciiDigits(t.match(ANY_DIGIT)?.join('') ?? '');
}

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

/** Proof-of-identity codes: consonants only, so never a word, a TOTP code or a username by accident. */
export const PROOF_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const PROOF_LENGTH = 8;
const PROOF_CODE = new RegExp(`^[${PROOF_ALPHABET}]{${PROOF_LENGTH}}$`);

/** `KXTR-PMWB`, `kxtrpmwb`, `kxtr pmwb` → `KXTRPMWB`; anything else is not a proof code. */
export function parseProofCode(text: string): string | undefined {
  const t = text.trim().replace(/[\s-]/g, '').toUpperCase();
  return PROOF_CODE.test(t) ? t : undefined;
}
