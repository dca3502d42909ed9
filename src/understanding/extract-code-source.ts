// "I wrote down the code the app showed at setup and use it every time": the person reuses an old
// code. Said beside a code that matches no nearby time, it explains the miss (a code from days ago
// is beyond any search window, so the code check alone cannot tell it from a wrong code).
import { findAffirmed } from './clauses.ts';

const NOTED = new RegExp(
  [
    // English: noted / wrote down / saved the (first) code; the first code from the setup; reuse it.
    String.raw`\b(?:wrote|write|written|noted|note|jotted|saved|save|kept|keep|copied|screenshotted)(?: it| that| them)? (?:down )?(?:the |that |this |my |a )?(?:very )?(?:first |initial |original |old |same )?(?:code|codes|number|digits)\b`,
    String.raw`\b(?:first|initial|original) code (?:i got|i was given|from|the app (?:gave|showed)|it showed|when|at)\b`,
    String.raw`\b(?:use|reuse|type|enter|using|reusing|typing) (?:it|that code|the same code|the same one|that one) (?:every ?time|each time|always|every day)\b`,
    // Swedish (folded: å ä ö → a a o): skrev upp / sparade koden; den första koden; använder den varje gång.
    String.raw`\b(?:skrev upp|skrivit upp|antecknade|sparade|sparat|kopierade|noterade)(?: den| det)? (?:den |min |en )?(?:forsta |gamla |samma )?(?:koden|kod|siffrorna|numret)\b`,
    String.raw`\bden (?:allra )?forsta koden (?:jag fick|fran|som (?:kom|visades|appen visade)|nar|vid)\b`,
    String.raw`\b(?:anvander|skriver|tar) (?:den|samma kod|den koden|samma) (?:varje gang|hela tiden|alltid|varenda gang)\b`,
  ].join('|'),
);

/** True when a clause says the person noted down and reuses a code (not negated in its phrase). */
export function extractCodeNoted(clauses: readonly string[]): boolean {
  return findAffirmed(clauses, NOTED) !== undefined;
}
