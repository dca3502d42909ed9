// Where a turn's side effects are written down, beside the conversations, so that a turn run again
// on another replica (the first one killed before it saved) finds what the first run did: the same
// ticket reference, no second proof mail, the same watch.

export interface EffectJournal {
  /**
   * The turn that runs from stored `version` of conversation `conversationId`: the same id on every
   * replica and every re-run until the conversation is saved past it, or the turn is older than the
   * journal keeps turns (then a new one begins).
   */
  turn(conversationId: string, version: number, now: number): Promise<string>;
  /**
   * What `effect` (a description of the effect and how many times the turn has asked it) answered in
   * `turn`, if it ran; and `key`, the idempotency key to hand the sink, so an effect whose answer was
   * not written down (killed between the two) is still done once.
   */
  recall(turn: string, effect: string): Promise<{ key: string; answer?: unknown }>;
  /** Writes the effect's answer down; a second answer for the same effect keeps the first. */
  record(turn: string, effect: string, answer: unknown, now: number): Promise<void>;
}
