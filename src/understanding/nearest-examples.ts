// A nearest-example classifier: every training example is a TF-IDF vector of its features; a
// message scores each label by its cosine similarity to that label's nearest example. Small,
// dependency-free, trained in milliseconds, and it explains itself (the nearest example).
import type { Lang } from '../i18n/catalogue.ts';
import type { Guess, Label, Ranker } from '../ports/understanding.ts';
import { FeatureHash, FeatureIds, eachFeatureHash } from './features.ts';
import { fold } from './normalise.ts';

export interface Example {
  label: Label;
  lang: Lang;
  text: string;
}

const SECOND_WEIGHT = 0.25;

export class NearestExamples implements Ranker {
  /** feature (its two hashes) -> its index into `idf` and the postings. */
  private readonly featureIds = new FeatureIds();
  private readonly hash = new FeatureHash();
  private idf = new Float64Array(0);
  /** The weight a feature never seen in training gets in a message's norm. */
  private readonly unseenIdf: number;
  /**
   * The examples that have each feature and its weight in each, one flat array (the hot loop):
   * feature f's postings are at [offsets[f], offsets[f + 1]).
   */
  private offsets = new Int32Array(1);
  private postIds: Uint16Array | Int32Array = new Int32Array(0);
  private postWeights = new Float32Array(0);
  private readonly langOfExample: Lang[] = [];
  private readonly exact = new Map<string, number[]>();
  /** Each example's label, as an index into `labels`. */
  private labelOf = new Int32Array(0);
  private readonly labels: Label[] = [];
  private readonly byPrefix = new Map<string, Label[]>();
  // Buffers of one ranking, allocated once: a ranking allocates only its answer.
  private dots = new Float64Array(0);
  private first = new Float64Array(0);
  private second = new Float64Array(0);
  private bestExample = new Int32Array(0);
  private ok = new Uint8Array(0);
  /** A message's features by index: how often each occurs (zero between rankings), which occur, their weights. */
  private queryCounts = new Float64Array(0);
  private queryIds = new Int32Array(0);
  private queryWeights = new Float64Array(0);
  /** How many of `queryIds` the folded text `queryOf` has (its weights already divided by its norm). */
  private queryKnown = 0;
  private queryOf: string | undefined;
  /**
   * The examples come in blocks, each a run of example ids: a question's own choices are one block
   * each, every other label is in the first. A ranking computes the dot products of the blocks
   * whose labels it allows only ("which topic?" never reads a question's choices), each once per
   * message: the same message is ranked several times in a turn, with other labels allowed.
   */
  private blockStart = new Int32Array(0);
  private blockEnd = new Int32Array(0);
  private blockOfLabel = new Int32Array(0);
  private blockDone = new Uint8Array(0);
  private blockWanted = new Uint8Array(0);
  /** The last text folded and its folded form: a turn ranks the same text several times. */
  private foldedOf: string | undefined;
  private lastFolded = '';
  /** Features of a message never seen in training (key: both hashes), counted for its norm. */
  private readonly unseen = new Map<number, number>();

  constructor(examples: readonly Example[]) {
    // Each example's feature counts by feature id (ids in first-seen order), and in how many examples each feature occurs.
    const vectors = examples.map((e) => {
      const counts = new Map<number, number>();
      eachFeatureHash(` ${fold(e.text)} `, (h1, h2) => {
        const id = this.featureIds.add(h1, h2);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      });
      return counts;
    });
    const df = new Int32Array(this.featureIds.size);
    for (const v of vectors) for (const f of v.keys()) df[f]!++;
    const n = vectors.length;
    this.unseenIdf = Math.log(n + 1) + 1;
    this.idf = Float64Array.from(df, (d) => Math.log((n + 1) / (d + 1)) + 1);
    const labelIndex = new Map<Label, number>();
    const labelOfExample = examples.map((e) => {
      let li = labelIndex.get(e.label);
      if (li === undefined) labelIndex.set(e.label, (li = this.labels.push(e.label) - 1));
      return li;
    });
    // Blocks: a question's choices (`choice:flow/step/…`) by their question, the rest in block 0;
    // example ids run block by block, in the examples' order within each.
    const blockIndex = new Map<string, number>([['', 0]]);
    this.blockOfLabel = Int32Array.from(this.labels, (label) => {
      const key = label.startsWith('choice:') ? label.slice(0, label.lastIndexOf('/') + 1) : '';
      let b = blockIndex.get(key);
      if (b === undefined) blockIndex.set(key, (b = blockIndex.size));
      return b;
    });
    const blocks = blockIndex.size;
    const order = examples.map((_, i) => i);
    order.sort((a, b) => this.blockOfLabel[labelOfExample[a]!]! - this.blockOfLabel[labelOfExample[b]!]! || a - b);
    const idOf = new Int32Array(n);
    order.forEach((original, id) => (idOf[original] = id));
    this.blockStart = new Int32Array(blocks).fill(n);
    this.blockEnd = new Int32Array(blocks);
    this.labelOf = new Int32Array(n);
    const lists: Array<Array<[number, number]>> = Array.from({ length: df.length }, () => []);
    order.forEach((original, id) => {
      const li = labelOfExample[original] as number;
      const b = this.blockOfLabel[li] as number;
      this.blockStart[b] = Math.min(this.blockStart[b] as number, id);
      this.blockEnd[b] = id + 1;
      this.labelOf[id] = li;
      this.langOfExample[id] = (examples[original] as Example).lang;
      for (const [f, w] of this.weigh(vectors[original] as Map<number, number>)) (lists[f] as Array<[number, number]>).push([id, w]);
    });
    examples.forEach((e, original) => {
      const key = fold(e.text);
      this.exact.set(key, [...(this.exact.get(key) ?? []), idOf[original] as number]);
    });
    this.offsets = new Int32Array(lists.length + 1);
    let total = 0;
    lists.forEach((list, f) => {
      this.offsets[f] = total;
      total += list.length;
    });
    this.offsets[lists.length] = total;
    // Two bytes an example id while they fit: the postings are what a ranking reads, and half the bytes is half the cache misses.
    this.postIds = n <= 0xffff ? new Uint16Array(total) : new Int32Array(total);
    this.postWeights = new Float32Array(total);
    lists.forEach((list, f) => {
      let at = this.offsets[f] as number;
      for (const [id, w] of list) {
        this.postIds[at] = id;
        this.postWeights[at++] = w;
      }
    });
    this.dots = new Float64Array(n);
    this.queryCounts = new Float64Array(df.length);
    this.queryIds = new Int32Array(df.length);
    this.queryWeights = new Float64Array(df.length);
    this.blockDone = new Uint8Array(blocks);
    this.blockWanted = new Uint8Array(blocks);
    this.first = new Float64Array(this.labels.length);
    this.second = new Float64Array(this.labels.length);
    this.bestExample = new Int32Array(this.labels.length);
    this.ok = new Uint8Array(this.labels.length);
  }

  get size(): number {
    return this.labelOf.length;
  }

  /** The labels it knows that start with `prefix` (computed once per prefix). */
  labelsOf(prefix: string): Label[] {
    let found = this.byPrefix.get(prefix);
    if (!found) this.byPrefix.set(prefix, (found = this.labels.filter((l) => l.startsWith(prefix))));
    return found;
  }

  /** Sublinear TF times IDF, L2-normalised, by feature index. */
  private weigh(counts: Map<number, number>): Map<number, number> {
    const out = new Map<number, number>();
    let norm = 0;
    for (const [id, c] of counts) {
      const w = (1 + Math.log(c)) * (this.idf[id] as number);
      out.set(id, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [f, w] of out) out.set(f, w / norm);
    return out;
  }

  /** The message's features and their weights (divided by its norm), once per message. */
  private query(folded: string): void {
    if (this.queryOf === folded) return;
    // Counted by feature index in a buffer kept zeroed between rankings (a map per message was a
    // third of a ranking); features never seen in training count apart, for the norm only.
    const { queryIds, queryCounts, featureIds, unseen } = this;
    let known = 0;
    unseen.clear();
    eachFeatureHash(
      ` ${folded} `,
      (h1, h2) => {
        const id = featureIds.get(h1, h2);
        if (id < 0) {
          const key = (h1 >>> 0) * 0x200000 + (h2 & 0x1fffff);
          unseen.set(key, (unseen.get(key) ?? 0) + 1);
        } else if (queryCounts[id]!++ === 0) queryIds[known++] = id;
      },
      this.hash,
    );
    // The query's own norm counts every feature, seen in training or not: unknown words lower the score.
    let qnorm = 0;
    for (const c of unseen.values()) qnorm += ((1 + Math.log(c)) * this.unseenIdf) ** 2;
    const { queryWeights: weights } = this;
    for (let k = 0; k < known; k++) {
      const id = queryIds[k] as number;
      const w = (1 + Math.log(queryCounts[id] as number)) * (this.idf[id] as number);
      queryCounts[id] = 0;
      weights[k] = w;
      qnorm += w * w;
    }
    qnorm = Math.sqrt(qnorm) || 1;
    for (let k = 0; k < known; k++) weights[k] = (weights[k] as number) / qnorm;
    this.queryKnown = known;
    this.queryOf = folded;
    this.blockDone.fill(0);
  }

  /** The dot product with the message (`dots`) of each example of block `b`, once per message. */
  private score(b: number): void {
    if (this.blockDone[b]) return;
    const { dots, offsets, postIds, postWeights, queryIds, queryWeights } = this;
    const start = this.blockStart[b] as number;
    const stop = this.blockEnd[b] as number;
    dots.fill(0, start, stop);
    for (let k = 0; k < this.queryKnown; k++) {
      const id = queryIds[k] as number;
      const scale = queryWeights[k] as number;
      // A feature's postings run by example id: the block's are the run between its bounds.
      let j = firstAtLeast(postIds, offsets[id] as number, offsets[id + 1] as number, start);
      const end = offsets[id + 1] as number;
      for (; j < end; j++) {
        const e = postIds[j] as number;
        if (e >= stop) break;
        dots[e]! += scale * (postWeights[j] as number);
      }
    }
    this.blockDone[b] = 1;
  }

  rank(text: string, allowed: (label: Label) => boolean, limit = 5): Guess[] {
    if (this.foldedOf !== text) {
      this.lastFolded = fold(text);
      this.foldedOf = text;
    }
    const folded = this.lastFolded;
    if (!folded) return [];
    const best = new Map<Label, Guess>();
    // An example typed exactly is a certainty, whatever else it shares features with.
    for (const i of this.exact.get(folded) ?? []) {
      const label = this.labels[this.labelOf[i] as number] as Label;
      if (allowed(label)) best.set(label, { label, score: 1, lang: this.langOfExample[i] as Lang });
    }
    // A label's score: its nearest example, plus a little for a second near one (several similar
    // examples are better evidence than one lucky match).
    const { dots, first, second, bestExample, ok, labelOf, blockWanted, blockOfLabel } = this;
    blockWanted.fill(0);
    for (let li = 0; li < this.labels.length; li++) {
      ok[li] = allowed(this.labels[li] as Label) ? 1 : 0;
      if (ok[li]) blockWanted[blockOfLabel[li] as number] = 1;
    }
    this.query(folded);
    first.fill(0);
    second.fill(0);
    for (let b = 0; b < blockWanted.length; b++) {
      if (!blockWanted[b]) continue;
      this.score(b);
      const stop = this.blockEnd[b] as number;
      for (let i = this.blockStart[b] as number; i < stop; i++) {
        const score = dots[i] as number;
        if (score <= 0) continue;
        const li = labelOf[i] as number;
        if (!ok[li]) continue;
        if (score > (first[li] as number)) {
          second[li] = first[li] as number;
          first[li] = score;
          bestExample[li] = i;
        } else if (score > (second[li] as number)) second[li] = score;
      }
    }
    for (let li = 0; li < this.labels.length; li++) {
      if (!(first[li]! > 0)) continue;
      const label = this.labels[li] as Label;
      const score = Math.min(1, first[li]! + SECOND_WEIGHT * second[li]!);
      const prev = best.get(label);
      if (!prev || score > prev.score) best.set(label, { label, score, lang: this.langOfExample[bestExample[li] as number] as Lang });
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
  }
}


/** The first index in [from, to) of an ascending run whose id is at least `id` (`to` when none is). */
function firstAtLeast(ids: Uint16Array | Int32Array, from: number, to: number, id: number): number {
  if (from >= to || (ids[from] as number) >= id) return from;
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ids[mid] as number) < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
