// Where conversations and the state shared between replicas are kept: conversations (with a
// version, so two replicas never lose a turn), seen platform events, the web outbox of replies
// that arrived out of band, and when a web page last asked for them.
import type { ChatEvent } from './conversations.ts';
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

/**
 * What a turn taken from a platform needs to be run by another replica: the platform has had its ack
 * and will not send the event again. `to`: where the channel replies (ids only, never a secret).
 */
export interface InboxEvent {
  /** Unknown until the turn when the channel opens the conversation then (a Slack mention's DM). */
  conversationId?: string;
  event: ChatEvent;
  to: Record<string, string>;
}

export interface AcceptedEvent {
  key: string;
  payload: InboxEvent;
}

/**
 * Platform event ids (a Slack retry, a replayed hook): the first to record one wins, on any replica.
 * An event `accept`ed is also a durable inbox: kept with its seen mark until `done`, so when the
 * replica that took it dies before the turn is saved, another `claim`s it and runs the turn.
 */
export interface SeenEvents {
  markSeen(key: string, now?: number): Promise<boolean>;
  /** Whether the key was marked (or accepted) before; marks nothing. */
  wasSeen(key: string): Promise<boolean>;
  /** Records the event with its seen mark, in one row (its text redacted); false when seen before. */
  accept(key: string, payload: InboxEvent, now?: number): Promise<boolean>;
  /**
   * Records several events (distinct keys) as `accept` does, in one write: resolves to whether each
   * was new, in order; rejects when the write fails, and then none of them is recorded.
   */
  acceptAll(events: AcceptedEvent[], now?: number): Promise<boolean[]>;
  /** The event's turn has been saved: nobody runs it again. */
  done(key: string, now?: number): Promise<void>;
  /**
   * Events under `prefix` accepted over `olderThanMs` ago, not done, and not leased to another
   * replica: leased to the caller for `leaseMs` (a claimer that dies lets them go when it runs out).
   */
  claim(prefix: string, olderThanMs: number, leaseMs: number, now?: number, limit?: number): Promise<AcceptedEvent[]>;
}

/**
 * Small values one replica hands the next (the Discord gateway session a new leader resumes): the
 * last write wins, on any replica, and outlives the writer.
 */
export interface SharedValues {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
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

/** Whether this replica can hold conversations (for health): its store takes writes, its ticket queue answers. */
/** Redis, where replicas share limits and the upstream cache: answering, or this replica doing that work itself. */
export type RedisState = 'up' | 'fallen-back';

export interface StoreHealth {
  /** Tickets not yet delivered to every sink (all replicas). */
  ticketsWaiting(): Promise<number>;
  /** Writes this replica's heartbeat; rejects when the store (or a folder it writes its files to) takes no writes. */
  writable(): Promise<void>;
  /**
   * Redis, where replicas share limits and the upstream cache: `up` while it answers within its
   * deadline, `fallen-back` while this replica does that work itself, `off` without it.
   */
  redis?(): RedisState | 'off';
}
