// A nearest-example classifier: every training example is a TF-IDF vector of its features; a
// message scores each label by its cosine similarity to that label's nearest example. Small,
// dependency-free, trained in milliseconds, and it explains itself (the nearest example).
import type { Lang } from '../i18n/catalogue.ts';
import type { Guess, Label, Understanding } from '../ports/understanding.ts';
import { features, fold } from './features.ts';

export interface Example {
  label: Label;
  lang: Lang;
  text: string;
}

interface Stored {
  label: Label;
  lang: Lang;
  text: string;
}

const SECOND_WEIGHT = 0.25;

export class NearestExamples implements Understanding {
  private readonly idf = new Map<string, number>();
  /** feature -> the examples that have it, and its weight in each (typed arrays: the hot loop). */
  private readonly postings = new Map<string, { ids: Int32Array; weights: Float64Array }>();
  private readonly stored: Stored[] = [];
  private readonly exact = new Map<string, number[]>();
  /** Each example's label, as an index into `labels`. */
  private labelOf = new Int32Array(0);
  private readonly labels: Label[] = [];
  private readonly byPrefix = new Map<string, Label[]>();

  constructor(examples: readonly Example[]) {
    const vectors = examples.map((e) => features(fold(e.text)));
    const df = new Map<string, number>();
    for (const v of vectors) for (const f of v.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const n = vectors.length;
    for (const [f, d] of df) this.idf.set(f, Math.log((n + 1) / (d + 1)) + 1);
    const lists = new Map<string, Array<[number, number]>>();
    const labelIndex = new Map<Label, number>();
    this.labelOf = new Int32Array(vectors.length);
    vectors.forEach((v, i) => {
      const e = examples[i] as Example;
      const weighted = this.weigh(v);
      const index = this.stored.push({ label: e.label, lang: e.lang, text: e.text }) - 1;
      let li = labelIndex.get(e.label);
      if (li === undefined) labelIndex.set(e.label, (li = this.labels.push(e.label) - 1));
      this.labelOf[index] = li;
      for (const [f, w] of weighted) {
        let list = lists.get(f);
        if (!list) lists.set(f, (list = []));
        list.push([index, w]);
      }
      const key = fold(e.text);
      this.exact.set(key, [...(this.exact.get(key) ?? []), index]);
    });
    for (const [f, list] of lists) this.postings.set(f, { ids: Int32Array.from(list, (x) => x[0]), weights: Float64Array.from(list, (x) => x[1]) });
  }

  get size(): number {
    return this.stored.length;
  }

  /** The labels it knows that start with `prefix` (computed once per prefix). */
  labelsOf(prefix: string): Label[] {
    let found = this.byPrefix.get(prefix);
    if (!found) this.byPrefix.set(prefix, (found = this.labels.filter((l) => l.startsWith(prefix))));
    return found;
  }

  /** Sublinear TF times IDF, L2-normalised. Features never seen in training are dropped. */
  private weigh(counts: Map<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    let norm = 0;
    for (const [f, c] of counts) {
      const idf = this.idf.get(f);
      if (idf === undefined) continue;
      const w = (1 + Math.log(c)) * idf;
      out.set(f, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [f, w] of out) out.set(f, w / norm);
    return out;
  }

  rank(text: string, allowed: (label: Label) => boolean, limit = 5): Guess[] {
    const folded = fold(text);
    if (!folded) return [];
    const best = new Map<Label, Guess>();
    // An example typed exactly is a certainty, whatever else it shares features with.
    for (const i of this.exact.get(folded) ?? []) {
      const s = this.stored[i] as Stored;
      if (allowed(s.label)) best.set(s.label, { label: s.label, score: 1, lang: s.lang });
    }
    const q = features(folded);
    // The query's own norm counts every feature, seen in training or not: unknown words lower the score.
    let qnorm = 0;
    const qw = new Map<string, number>();
    for (const [f, c] of q) {
      const w = (1 + Math.log(c)) * (this.idf.get(f) ?? Math.log(this.stored.length + 1) + 1);
      qnorm += w * w;
      if (this.idf.has(f)) qw.set(f, w);
    }
    qnorm = Math.sqrt(qnorm) || 1;
    const dots = new Float64Array(this.stored.length);
    for (const [f, w] of qw) {
      const p = this.postings.get(f);
      if (!p) continue;
      const scale = w / qnorm;
      for (let j = 0; j < p.ids.length; j++) dots[p.ids[j] as number]! += scale * (p.weights[j] as number);
    }
    // A label's score: its nearest example, plus a little for a second near one (several similar
    // examples are better evidence than one lucky match).
    const ok = this.labels.map((l) => allowed(l));
    const first = new Float64Array(this.labels.length);
    const second = new Float64Array(this.labels.length);
    const langOf: Lang[] = new Array(this.labels.length);
    for (let i = 0; i < dots.length; i++) {
      const score = dots[i] as number;
      if (score <= 0) continue;
      const li = this.labelOf[i] as number;
      if (!ok[li]) continue;
      if (score > (first[li] as number)) {
        second[li] = first[li] as number;
        first[li] = score;
        langOf[li] = (this.stored[i] as Stored).lang;
      } else if (score > (second[li] as number)) second[li] = score;
    }
    for (let li = 0; li < this.labels.length; li++) {
      if (!(first[li]! > 0)) continue;
      const label = this.labels[li] as Label;
      const score = Math.min(1, first[li]! + SECOND_WEIGHT * second[li]!);
      const prev = best.get(label);
      if (!prev || score > prev.score) best.set(label, { label, score, lang: langOf[li] as Lang });
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  }
}
