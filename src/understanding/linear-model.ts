// A linear classifier (multinomial logistic regression) over the same features as the nearest
// examples: it adds up the evidence of every sentence, which suits a long message better than one
// nearest example does (measured: see docs/understanding.md). Trained at start-up by a few passes of
// stochastic gradient descent, in tens of milliseconds.
import type { Lang } from '../i18n/catalogue.ts';
import type { Guess, Label, Ranker } from '../ports/understanding.ts';
import { features } from './features.ts';
import { fold } from './normalise.ts';
import type { Example } from './nearest-examples.ts';

const EPOCHS = 12;
const RATE = 0.5;
const L2 = 1e-5;

export class LinearModel implements Ranker {
  private readonly index = new Map<string, number>();
  private readonly idf: number[] = [];
  private readonly labels: Label[] = [];
  private readonly langOf: Lang[] = [];
  /** weights[feature * labels + label] */
  private weights = new Float64Array(0);
  private bias = new Float64Array(0);

  constructor(examples: readonly Example[]) {
    const labelIndex = new Map<Label, number>();
    const df = new Map<string, number>();
    const raw = examples.map((e) => {
      const f = features(fold(e.text));
      for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
      let li = labelIndex.get(e.label);
      if (li === undefined) {
        labelIndex.set(e.label, (li = this.labels.push(e.label) - 1));
        this.langOf.push(e.lang);
      }
      return { f, label: li };
    });
    // Features seen once say little and cost memory: only those in two examples or more.
    for (const [k, d] of df) {
      if (d < 2) continue;
      this.index.set(k, this.idf.push(Math.log((examples.length + 1) / (d + 1)) + 1) - 1);
    }
    const data = raw.map((r) => ({ ...this.vector(r.f), label: r.label }));
    this.train(data);
  }

  private vector(counts: Map<string, number>): { ids: Int32Array; values: Float64Array } {
    const ids: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [f, c] of counts) {
      const i = this.index.get(f);
      if (i === undefined) continue;
      const w = (1 + Math.log(c)) * (this.idf[i] as number);
      ids.push(i);
      values.push(w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    return { ids: Int32Array.from(ids), values: Float64Array.from(values, (v) => v / norm) };
  }

  private train(data: Array<{ ids: Int32Array; values: Float64Array; label: number }>): void {
    const L = this.labels.length;
    this.weights = new Float64Array(this.idf.length * L);
    this.bias = new Float64Array(L);
    const scores = new Float64Array(L);
    const order = data.map((_, i) => i);
    // A fixed shuffle (no Math.random): the same flows train the same model every time.
    let seed = 7;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      const rate = RATE / (1 + epoch * 0.5);
      for (const n of order) {
        const x = data[n] as (typeof data)[number];
        this.scoreInto(x.ids, x.values, scores);
        softmax(scores);
        for (let l = 0; l < L; l++) {
          const g = (scores[l] as number) - (l === x.label ? 1 : 0);
          // A label already as good as certain (right or wrong) moves no weight: most of them, after an epoch.
          if (g < 1e-3 && g > -1e-3) continue;
          this.bias[l]! -= rate * g;
          for (let k = 0; k < x.ids.length; k++) {
            const at = (x.ids[k] as number) * L + l;
            this.weights[at] = (this.weights[at] as number) * (1 - rate * L2) - rate * g * (x.values[k] as number);
          }
        }
      }
    }
  }

  private scoreInto(ids: Int32Array, values: Float64Array, out: Float64Array): void {
    const L = this.labels.length;
    out.set(this.bias);
    for (let k = 0; k < ids.length; k++) {
      const base = (ids[k] as number) * L;
      const v = values[k] as number;
      for (let l = 0; l < L; l++) out[l]! += v * (this.weights[base + l] as number);
    }
  }

  /** Labels `allowed` accepts with their probability among the allowed ones, best first. */
  rank(text: string, allowed: (label: Label) => boolean, limit = 5): Guess[] {
    const { ids, values } = this.vector(features(fold(text)));
    if (ids.length === 0) return [];
    const scores = new Float64Array(this.labels.length);
    this.scoreInto(ids, values, scores);
    for (let l = 0; l < scores.length; l++) if (!allowed(this.labels[l] as Label)) scores[l] = -Infinity;
    softmax(scores);
    const out: Guess[] = [];
    for (let l = 0; l < scores.length; l++) if (scores[l]! > 0) out.push({ label: this.labels[l] as Label, score: scores[l] as number, lang: this.langOf[l] as Lang });
    return out.sort((a, b) => b.score - a.score).slice(0, limit);
  }
}

function softmax(xs: Float64Array): void {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i] = Number.isFinite(xs[i] as number) ? Math.exp((xs[i] as number) - max) : 0;
  for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] as number) / (sum || 1);
}
