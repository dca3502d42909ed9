// Two times a person may give in passing: what their phone's clock shows ("my phone says 14:32",
// "klockan i mobilen är 14.32.05"), and how long ago they registered their token ("signed up half
// an hour ago", "registrerade för tio minuter sedan", "yesterday").
import { findAffirmed } from './clauses.ts';
import { foldKeepingPunctuation } from './normalise.ts';

export interface DeviceClock {
  hours: number;
  minutes: number;
  seconds?: number;
}

const CLOCK = /(?<![\d:.])([01]?\d|2[0-3])[:.]([0-5]\d)(?:[:.]([0-5]\d))?(?:\s*(am|pm))?(?![\d:.]*\d)/g;
const DEVICE_WORDS = /\b(?:phone|mobile|iphone|android|device|clock|watch|screen|app|telefon\w*|mobil\w*|klocka\w*|skarm\w*|appen|shows?|showing|says|reads|displays|visar|star|sager)\b/;
const NOT_DEVICE = /\b(?:registered|registrerade|registrerat|ago|sedan|meeting|mote|deadline|tomorrow|imorgon|yesterday|igar|since|sen|between|mellan|until|tills?|from|fran|at around|open|oppet)\b/;

/** The phone's time, when a sentence says the phone (or its clock) shows it. */
export function extractDeviceTime(text: string): DeviceClock | undefined {
  for (const sentence of foldKeepingPunctuation(text).split(/(?<=[!?;\n])|(?<=\.)\s+(?=\D)/)) {
    if (!DEVICE_WORDS.test(sentence) || NOT_DEVICE.test(sentence)) continue;
    CLOCK.lastIndex = 0;
    const m = CLOCK.exec(sentence);
    if (!m) continue;
    let hours = Number(m[1]);
    const ampm = m[4];
    if (ampm) {
      if (hours < 1 || hours > 12) continue;
      hours = (hours % 12) + (ampm === 'pm' ? 12 : 0);
    }
    const clock: DeviceClock = { hours, minutes: Number(m[2]) };
    if (m[3] !== undefined) clock.seconds = Number(m[3]);
    return clock;
  }
  return undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fortyfive: 45, fifty: 50,
  couple: 2, few: 3, several: 4,
  en: 1, ett: 1, tva: 2, tre: 3, fyra: 4, fem: 5, sex: 6, sju: 7, atta: 8, nio: 9, tio: 10, femton: 15, tjugo: 20, trettio: 30, fyrtio: 40, femtio: 50,
  par: 2, nagra: 3, flera: 4,
};
const UNIT_MINUTES: Record<string, number> = {
  s: 1 / 60, sec: 1 / 60, secs: 1 / 60, second: 1 / 60, seconds: 1 / 60, sekund: 1 / 60, sekunder: 1 / 60,
  m: 1, min: 1, mins: 1, minute: 1, minutes: 1, minut: 1, minuter: 1, minuten: 1,
  h: 60, hr: 60, hrs: 60, hour: 60, hours: 60, timme: 60, timmar: 60, timmen: 60, tim: 60,
  day: 1440, days: 1440, dag: 1440, dagar: 1440, dygn: 1440, week: 10080, weeks: 10080, vecka: 10080, veckor: 10080,
};

const REGISTERED = /\b(?:regist\w*|signed up|sign up|signing up|enroll\w*|enrol\w*|set (?:it |the token |up the token |up 2fa |up two factor )?up|setup|scanned|added (?:the |my )?(?:token|account|code)|created (?:the |my )?token|activated|anmalde|anmalt|skannade|scannade|la till|lade till|lagt till|stallde in|satte upp|skapade)\b/;
const AMOUNT = String.raw`(\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|fifty|a couple of|couple of|a few|few|several|en|ett|tva|tre|fyra|fem|sex|sju|atta|nio|tio|femton|tjugo|trettio|fyrtio|femtio|ett par|par|nagra|flera)`;
const UNIT = String.raw`(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|weeks?|sekund(?:er)?|minut(?:er|en)?|tim|timm(?:e|ar|en)|dag(?:ar)?|dygn|veck(?:a|or))`;
const AGO = [
  new RegExp(String.raw`\b${AMOUNT}\s*${UNIT}\s+(?:ago|back|sedan|sen)\b`),
  new RegExp(String.raw`\b(?:for|fore)\s+${AMOUNT}\s*${UNIT}\s+(?:sedan|sen)\b`),
];
const PHRASES: ReadonlyArray<[RegExp, number]> = [
  [/\b(?:just now|justnow|a moment ago|moments ago|a minute ago|right now|nyss|alldeles nyss|precis nu|for en stund sedan|for en minut sedan)\b/, 1],
  [/\b(?:half an hour ago|a half hour ago|for en halvtimme sedan|for en halvtimme sen|en halvtimme sedan)\b/, 30],
  [/\b(?:an hour and a half ago|for en och en halv timme sedan|for en och en halv timme sen)\b/, 90],
  [/\b(?:this morning|earlier today|imorse|i morse|i morgse|tidigare idag|i formiddags)\b/, 180],
  [/\b(?:yesterday|igar)\b/, 1440],
  [/\b(?:last week|forra veckan|for en vecka sedan)\b/, 10080],
];

/** Minutes since the person registered, when a sentence says they registered and when. */
export function extractRegisteredMinutesAgo(clauses: readonly string[], text: string): number | undefined {
  // "I registered" negated ("I haven't registered") says no time at all; and most messages say neither.
  if (!findAffirmed(clauses, REGISTERED)) return undefined;
  const sentences = foldKeepingPunctuation(text)
    .replace(/\bjust now\b/g, 'justnow')
    .split(/[.!?;\n]+/)
    .map((s) => s.replace(/[^\p{L}\p{N}.,]+/gu, ' ').trim());
  for (const s of sentences) {
    if (!REGISTERED.test(s)) continue;
    // "half an hour ago" before "an hour ago".
    for (const [re, minutes] of PHRASES.slice(1, 3)) if (re.test(s)) return minutes;
    for (const re of AGO) {
      const m = s.match(re);
      if (!m) continue;
      const amount = amountOf(m[1] as string);
      const unit = UNIT_MINUTES[(m[2] as string).replace(/^tim$/, 'tim')];
      if (amount !== undefined && unit !== undefined) return Math.max(0, Math.round(amount * unit));
    }
    for (const [re, minutes] of PHRASES) if (re.test(s)) return minutes;
  }
  return undefined;
}

function amountOf(said: string): number | undefined {
  const n = Number(said.replace(',', '.'));
  if (Number.isFinite(n)) return n;
  const last = said.split(' ').filter((w) => w !== 'of' && w !== 'a' && w !== 'ett').pop() ?? said;
  return NUMBER_WORDS[last] ?? NUMBER_WORDS[said];
}
