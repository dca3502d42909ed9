// One rule for what a code is, used both to read a code and to cut codes out of what is kept (the
// engine reads codes and redacts transcripts with it; the extractor counts codes with it).
import { isIP } from 'node:net';

// A code is 6 to 8 decimal digits of any script (ASCII, full-width, Arabic-Indic, …), alone or in
// groups: between two groups one or more spaces, or one separator (. , - – _ / or its full-width or
// typographic twin) with spaces around it or not: "847361", "847 361", "847  361", "84 73 61",
// "8 4 7 3 6 1", "847.361", "617,215", "617_214", "617/216", "847 – 361", "８４７３６１", "٨٤٧٣٦١".
// A longer run of digits is not a code (a phone number), nor is an IP address (the address a person
// gives is a finding staff need to read). The same rule reads a code, finds one in free text and cuts
// codes out of everything kept: transcripts, notes, tickets, mails and logs.
const DIGIT = '\\p{Nd}';
const SPACE = '[^\\S\\r\\n]';
const MARK = '[.,\\-\\u2010-\\u2014\\u2212_/\\uFF0C\\uFF0D\\uFF0E\\uFF0F\\uFF3F]';
const SEPARATOR = `(?:${SPACE}{0,3}${MARK}${SPACE}{0,3}|${SPACE}{1,3})`;
const CODE_BODY = `${DIGIT}(?:${SEPARATOR}?${DIGIT}){5,7}`;
/** A run of digits and separators as long as it goes; a code when it holds 6 to 8 digits. */
const DIGIT_RUN = new RegExp(`${DIGIT}(?:${SEPARATOR}?${DIGIT})*`, 'gu');
/** Where a longer run is a list ("617 214, 617 215"): a comma or semicolon and a space. */
const LIST_BREAK = new RegExp(`(${SPACE}*[,;\\uFF0C]${SPACE}+)`, 'u');
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

/** The digit runs of `text` with where each is, a listed run ("617 214, 617 215") as its items. */
function* runs(text: string): Generator<{ run: string; at: number }> {
  for (const m of text.matchAll(DIGIT_RUN)) {
    let at = m.index;
    for (const part of digitCount(m[0]) > 8 ? m[0].split(LIST_BREAK) : [m[0]]) {
      yield { run: part, at };
      at += part.length;
    }
  }
}

const digitCount = (s: string) => s.match(ANY_DIGIT)?.length ?? 0;

/** A run that is a code: 6 to 8 digits, not an IP address, not the date of a timestamp ("2026-12-07T19:20"). */
function isCodeRun(text: string, run: string, at: number): boolean {
  const n = digitCount(run);
  return n >= 6 && n <= 8 && !isIP(run) && !TIME_AFTER.test(text.slice(at + run.length, at + run.length + 6));
}

/** A date followed by a time is a timestamp in a log line, not a code. */
const TIME_AFTER = /^T\d{2}:\d{2}/;

// A turn redacts its one message in several places (its facts, its meaning, the transcript): the
// last answer is kept.
let redactedOf: string | undefined;
let lastRedacted = '';

/** Free text with every code replaced by "[code]", for transcripts, notes, tickets, mails and logs. */
export function redactCodes(text: string): string {
  if (text !== redactedOf) {
    lastRedacted = redacted(text);
    redactedOf = text;
  }
  return lastRedacted;
}

function redacted(text: string): string {
  let out = '';
  let last = 0;
  for (const { run, at } of runs(text)) {
    if (!isCodeRun(text, run, at)) continue;
    out += `${text.slice(last, at)}[code]`;
    last = at + run.length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The first code in free text ("it says 617_214 and fails"), as ASCII digits. */
export function codeInText(text: string): string | undefined {
  for (const { run, at } of runs(text)) if (isCodeRun(text, run, at)) return asciiDigits(run.match(ANY_DIGIT)?.join('') ?? '');
  return undefined;
}

/** The code in a message that is only a code, as ASCII digits; anything else is not a code. */
export function parseCode(text: string): string | undefined {
  const t = text.trim();
  if (!CODE_ALONE.test(t) || isIP(t)) return undefined;
  return asciiDigits(t.match(ANY_DIGIT)?.join('') ?? '');
}

