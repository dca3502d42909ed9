// How free text becomes meaning: a ranking of labels (topics, global intents, the choices of a
// question) for a message. The engine stays pure by asking this port; a centre can plug in its own
// (an LLM endpoint, say) behind the same interface.
import type { Lang } from './lang.ts';

/**
 * `topic:<flow>`, `intent:<name>` (human, menu, skip, dont_know, yes, no, none, …) or
 * `choice:<flow>/<step>/<choice>`.
 */
export type Label = string;

export interface Guess {
  label: Label;
  /** Similarity to the nearest example of this label, 0..1. */
  score: number;
  /** The language of that example. */
  lang: Lang;
}

export interface Understanding {
  /** Labels that `allowed` accepts, best first, at most `limit` of them. */
  rank(text: string, allowed: (label: Label) => boolean, limit?: number): Guess[];
}
