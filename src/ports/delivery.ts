// Replies that do not answer a message on the conversation's own channel (a phone measuring its
// clock, a watch notice): each channel says how to deliver to its conversations, by id prefix.
import type { Reply } from './conversations.ts';

export type Deliver = (conversationId: string, replies: Reply[]) => Promise<void>;

export interface Delivery {
  /** `tracksPresence`: the channel records when its page last asked (the web), so "away" can be told. */
  register(prefix: string, deliver: Deliver, tracksPresence?: boolean): void;
  /**
   * Delivers through the conversation's own channel (whichever registered its prefix); false when none
   * did. The channel failing is logged, or with `strict` rejects (the caller tries again).
   */
  deliver(conversationId: string, replies: Reply[], options?: { strict?: boolean }): Promise<boolean>;
  /** Whether the person has left the conversation's channel a while (only a channel that tracks presence, the web page, can say yes). */
  isAway(conversationId: string): Promise<boolean>;
}
