// Durable watches on a pending token: "tell me here when it is active". They live in the store,
// not in memory, so a restart loses none and sends nothing twice.
import type { Lang } from './lang.ts';

/**
 * `notifying`: claimed by the watcher while it tells the person; back to `open` when that fails, and
 * taken again when the replica that claimed it died (its claim older than the lease).
 */
export type WatchState = 'open' | 'notifying' | 'notified' | 'stopped' | 'expired';

export interface Watch {
  id: number;
  user: string;
  conversationId: string;
  channel: string;
  lang: Lang;
  /** A proven address, for a web page that has been closed a while. */
  email?: string;
  createdAt: number;
  nextCheckAt: number;
  state: WatchState;
  /** The staff ticket opened when the token was still pending at TOKEN_OVERDUE_MINUTES. */
  overdueTicket?: string;
  notifiedAt?: number;
}

export interface NewWatch {
  user: string;
  conversationId: string;
  channel: string;
  lang: Lang;
  email?: string;
}

export interface WatchStore {
  /** One watch per account and conversation: asking again keeps the one there is. */
  add(w: NewWatch, now: number): Promise<{ watch: Watch; created: boolean }>;
  /** Ends the open watches of a conversation; how many there were. */
  stop(conversationId: string, now: number): Promise<number>;
  /** Open watches whose next check is due, and notices claimed longer than `leaseMs` ago; nearest first. */
  due(now: number, limit: number, leaseMs: number): Promise<Watch[]>;
  reschedule(id: number, at: number): Promise<void>;
  /**
   * Claims the notice: an open watch (or one whose claim is older than `leaseMs`) moves to notifying;
   * true only for the one caller that did it.
   */
  claimNotified(id: number, now: number, leaseMs: number): Promise<boolean>;
  /** The notice reached the person: notifying becomes notified. */
  notified(id: number): Promise<void>;
  /** The notice could not be given: the watch is open again and due at `at`. */
  release(id: number, at: number): Promise<void>;
  /** Records the overdue ticket; true only the first time. */
  claimOverdue(id: number, ticket: string): Promise<boolean>;
  /** Open watches of a user become due now (the import job said so). */
  wake(user: string, now: number): Promise<number>;
  /** Open watches created before `before` expire. */
  expire(before: number): Promise<Watch[]>;
  list(options?: { state?: WatchState }): Promise<Watch[]>;
}

/** "Tell me when my token is active": what keeps the watches. */
export interface TokenWatch {
  /** One pass over the watches that are due (on a timer when it runs; tests tick it). */
  tick(): Promise<void>;
  /** The import job said this user's token is active: their open watches are due now; how many. */
  wake(user: string): Promise<number>;
}
