// Where conversations and the state shared between replicas are kept: conversations (with a
// version, so two replicas never lose a turn), seen platform events, the web outbox of replies
// that arrived out of band, and when a web page last asked for them.
import type { Purgeable } from './retention.ts';

/** What the store needs to know of a conversation; the rest of the snapshot is the engine's. */
export interface StoredConversation {
  id: string;
  updatedAt: number;
}

export type LoadOutcome<Snapshot extends StoredConversation = StoredConversation> =
  /** `version`: what `save` must be given back; another turn saving in between makes it conflict. */
  | { kind: 'found'; snapshot: Snapshot; version: number }
  | { kind: 'none' }
  /** The stored row could not be read; it has been set aside (never deleted) and a new one starts. */
  | { kind: 'quarantined'; reason: string };

export interface ConversationStore<Snapshot extends StoredConversation = StoredConversation> extends Purgeable {
  load(id: string): Promise<LoadOutcome<Snapshot>>;
  /**
   * Saves over `version` (0: a conversation not stored yet) and resolves to the new version. Throws
   * a HelpdeskError 'store.conflict' when another turn saved first; the caller runs its turn again.
   */
  save(snapshot: Snapshot, version: number): Promise<number>;
  close(): Promise<void>;
}

/** Platform event ids (a Slack retry, a replayed hook): the first to record one wins, on any replica. */
export interface SeenEvents {
  markSeen(key: string, now?: number): Promise<boolean>;
}

/** Staff look up the latest conversation about someone on their platform. */
export interface ConversationLookup<Snapshot extends StoredConversation = StoredConversation> {
  latestAbout(prefix: string, who: string): Promise<Snapshot | undefined>;
}

/**
 * Replies waiting for a web page: a phone's clock measurement or a watch notice may be handled by
 * one replica while the page polls another. `push` tells every replica (so a waiting poll answers).
 */
export interface Outbox {
  push(conversationId: string, items: unknown[], now: number): Promise<void>;
  take(conversationId: string): Promise<unknown[]>;
  /** Conversations on a channel (`prefix`, like "discord:") with replies waiting. */
  waiting(prefix: string): Promise<string[]>;
  /** Called with the conversation id whenever anything is pushed, on any replica. */
  onPush(listener: (conversationId: string) => void): () => void;
  /** When the conversation's page last asked for anything (a closed page gets its notice by mail). */
  touch(conversationId: string, now: number): Promise<void>;
  lastSeen(conversationId: string): Promise<number | undefined>;
}
