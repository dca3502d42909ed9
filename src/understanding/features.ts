// What a message is made of, for matching: a folded form (case, diacritics, apostrophes and
// punctuation away) and its features, character 2- to 4-grams and whole words. Character n-grams
// make "acount", "konot" and "koden" near their correct forms without a dictionary.

/** Lower case, no diacritics (å → a), no apostrophes ("don't" → "dont"), other punctuation to spaces. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Feature counts of a folded text. */
export function features(folded: string): Map<string, number> {
  const out = new Map<string, number>();
  eachFeature(folded, (f) => out.set(f, (out.get(f) ?? 0) + 1));
  return out;
}

/** Every feature of a folded text, as often as it occurs (a ranking counts them its own way). */
export function eachFeature(folded: string, visit: (feature: string) => void): void {
  const words = folded.split(' ');
  for (const w of words) {
    if (!w) continue;
    visit(`w:${w}`);
    const padded = ` ${w} `;
    for (let n = 2; n <= 4; n++) for (let i = 0; i + n <= padded.length; i++) visit(padded.slice(i, i + n));
  }
  let previous = '';
  for (const w of words) {
    if (!w) continue;
    if (previous) visit(`b:${previous} ${w}`);
    previous = w;
  }
}
