// One rule for what a code is, used both to read a code and to cut codes out of what is kept (the
// engine reads codes and redacts transcripts with it; the extractor counts codes with it).
import { isIP } from 'node:net';

// A code is 6 to 8 decimal digits of any script (ASCII, full-width, Arabic-Indic, …), alone or with
// one separator (a space, a dot, a dash or an en dash) between digits: "847361", "847 361", "84 73 61",
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

