// Trains the understanding from labelled texts (read from the flow files: see
// training.ts). Labels are `topic:…`, `intent:…` or `choice:…`.
import { NearestExamples, type Example } from './nearest-examples.ts';
import { LinearModel } from './linear-model.ts';
import { ByLength } from './by-length.ts';
import type { Ranker } from '../ports/understanding.ts';

export type { Example };

export function trainOn(examples: Example[]): ByLength {
  // The linear model decides long messages at the menu and at prompts: topics and global intents.
  const firstLevel = examples.filter((e) => e.label.startsWith('topic:') || e.label.startsWith('intent:'));
  return new ByLength(new NearestExamples(examples), new LinearModel(firstLevel));
}

/** A ranker trained the first time it is asked (for commands that rarely or never need it). */
export function lazyRanker(train: () => Ranker): Ranker {
  let trained: Ranker | undefined;
  return { rank: (text, allowed, limit) => (trained ??= train()).rank(text, allowed, limit) };
}
