// What a message is made of, for matching: a folded form (case, diacritics, apostrophes and
// punctuation away) and its features, character 2- to 4-grams and whole words. Character n-grams
// make "acount", "konot" and "koden" near their correct forms without a dictionary.

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

// The same features as numbers: a ranking looks up tens of features per message, and a substring
// and a string-keyed map lookup each was most of its cost. A feature is two 32-bit hashes of its
// text (FNV-1a and a second, independent mix), computed over the code units where they lie;
// together 64 bits, so two different features of the few tens of thousands sharing both is
// not to be expected (a table would then count them as one).

const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MIX_BASIS = 0x9747b28c;
const MIX_PRIME = 0x5bd1e995;
const [W, B, COLON, SPACE] = [0x77, 0x62, 0x3a, 0x20];

/** Both hashes of a feature: `tag` then `tag2` (0 for none) then `text` code units [from, to). */
export class FeatureHash {
  h1 = 0;
  h2 = 0;
  of(tag: number, text: string, from: number, to: number): this {
    let h1 = FNV_BASIS;
    let h2 = MIX_BASIS;
    if (tag) {
      h1 = Math.imul(h1 ^ tag, FNV_PRIME);
      h1 = Math.imul(h1 ^ COLON, FNV_PRIME);
      h2 = Math.imul(h2 ^ tag, MIX_PRIME);
      h2 = Math.imul(h2 ^ (h2 >>> 15) ^ COLON, MIX_PRIME);
    }
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, FNV_PRIME);
      h2 = Math.imul(h2 ^ (h2 >>> 15) ^ c, MIX_PRIME);
    }
    this.h1 = h1 | 0;
    this.h2 = (h2 ^ (h2 >>> 13)) | 0;
    return this;
  }
}

/**
 * Every feature of a folded text as its two hashes, in the order and as often as `eachFeature`
 * visits them. `padded` is the folded text with a space either side (words are one space apart).
 */
export function eachFeatureHash(padded: string, visit: (h1: number, h2: number) => void, hash = new FeatureHash()): void {
  const end = padded.length - 1;
  let start = 1;
  while (start < end) {
    let stop = padded.indexOf(' ', start);
    if (stop < 0 || stop > end) stop = end;
    if (stop > start) {
      hash.of(W, padded, start, stop);
      visit(hash.h1, hash.h2);
      // The word's n-grams, spaces either side included: padded[start - 1, stop + 1).
      for (let n = 2; n <= 4; n++) {
        for (let i = start - 1; i + n <= stop + 1; i++) {
          hash.of(0, padded, i, i + n);
          visit(hash.h1, hash.h2);
        }
      }
    }
    start = stop + 1;
  }
  let previous = -1;
  start = 1;
  while (start < end) {
    let stop = padded.indexOf(' ', start);
    if (stop < 0 || stop > end) stop = end;
    if (stop > start) {
      if (previous >= 0) {
        hash.of(B, padded, previous, stop);
        visit(hash.h1, hash.h2);
      }
      previous = start;
    }
    start = stop + 1;
  }
}

/** An open-addressing table from a feature's two hashes to a dense id (0, 1, 2… in first-seen order). */
export class FeatureIds {
  private h1s: Int32Array;
  private h2s: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let slots = 1024;
    while (slots < capacity * 2) slots *= 2;
    this.h1s = new Int32Array(slots);
    this.h2s = new Int32Array(slots);
    this.ids = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  /** The feature's id, or -1 when it was never added. */
  get(h1: number, h2: number): number {
    const { h1s, h2s, ids, mask } = this;
    for (let s = (h1 ^ (h2 >>> 7)) & mask; ; s = (s + 1) & mask) {
      const id = ids[s] as number;
      if (id < 0 || (h1s[s] === h1 && h2s[s] === h2)) return id;
    }
  }

  /** The feature's id, a new one when it was never added. */
  add(h1: number, h2: number): number {
    if ((this.size + 1) * 2 > this.ids.length) this.grow();
    const { h1s, h2s, ids, mask } = this;
    let s = (h1 ^ (h2 >>> 7)) & mask;
    for (; ids[s]! >= 0; s = (s + 1) & mask) if (h1s[s] === h1 && h2s[s] === h2) return ids[s] as number;
    h1s[s] = h1;
    h2s[s] = h2;
    ids[s] = this.size;
    return this.size++;
  }

  private grow(): void {
    const { h1s, h2s, ids } = this;
    const bigger = new FeatureIds(ids.length);
    for (let s = 0; s < ids.length; s++) if (ids[s]! >= 0) bigger.put(h1s[s] as number, h2s[s] as number, ids[s] as number);
    ({ h1s: this.h1s, h2s: this.h2s, ids: this.ids, mask: this.mask } = bigger);
  }

  private put(h1: number, h2: number, id: number): void {
    let s = (h1 ^ (h2 >>> 7)) & this.mask;
    while (this.ids[s]! >= 0) s = (s + 1) & this.mask;
    this.h1s[s] = h1;
    this.h2s[s] = h2;
    this.ids[s] = id;
  }
}
