// Where conversations, tickets waiting for delivery, and seen platform events are kept.
import type { Snapshot } from '../engine/snapshot.ts';

export type LoadOutcome =
  | { kind: 'found'; snapshot: Snapshot }
  | { kind: 'none' }
  /** The stored row could not be read; it has been set aside (never deleted) and a new one starts. */
  | { kind: 'quarantined'; reason: string };

export interface ConversationStore {
  load(id: string): Promise<LoadOutcome>;
  save(snapshot: Snapshot): Promise<void>;
  /** Deletes conversations idle since before `before` (ms); returns how many. */
  sweep(before: number): Promise<number>;
  close(): Promise<void>;
}
