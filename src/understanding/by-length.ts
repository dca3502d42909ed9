// The understanding the helpdesk runs: nearest examples for a short message and for the choices of
// a question (measured best there), the linear model for a long first message or a long message
// at a prompt, whose greeting and context it weighs against the sentence with the problem
// (measured: see docs/understanding.md and docs/benchmarks.md).
import type { Guess, Label, Ranker } from '../ports/understanding.ts';
import type { LinearModel } from './linear-model.ts';
import type { NearestExamples } from './nearest-examples.ts';
import { isLong, sentencesOf } from './sentences.ts';

/** Labels that frame a message (a greeting, a yes) rather than say what it is about. */
const FRAMING = new Set(['intent:hello', 'intent:thanks', 'intent:yes', 'intent:no', 'intent:dont_know', 'intent:skip', 'intent:menu']);

export class ByLength implements Ranker {
  constructor(
    private readonly near: NearestExamples,
    private readonly linear: LinearModel,
  ) {}

  get size(): number {
    return this.near.size;
  }

  rank(text: string, allowed: (label: Label) => boolean, limit = 5): Guess[] {
    // A question's own choices are the nearest examples' (the linear model is not trained on them).
    if (!isLong(text) || this.near.labelsOf('choice:').some(allowed)) return this.near.rank(text, allowed, limit);
    // Probabilities among ~20 labels run lower than nearest-example similarities; the cube root puts
    // them on the thresholds' scale (interpret.ts): at the menu the most probable label is taken (a
    // long message has said enough; "none" is a label of its own), at a prompt only a clear one.
    return this.linear.rank(sentencesOf(text).join(' '), (l) => allowed(l) && !FRAMING.has(l), limit).map((g) => ({ ...g, score: Math.cbrt(g.score) }));
  }
}
