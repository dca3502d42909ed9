// Replies to turns that did not come from the conversation's own channel: a phone measuring its
// clock, a proof-of-identity link opened in a browser. Each channel registers how to deliver to its
// conversations (by id prefix); the web page, which has none, collects them itself.
import type { Reply } from './replies.ts';
import type { Logger } from '../ports/logger.ts';

export type Deliver = (conversationId: string, replies: Reply[]) => Promise<void>;

export class OutOfBand {
  private readonly routes = new Map<string, Deliver>();
  private readonly presence = new Map<string, (conversationId: string) => boolean>();

  constructor(private readonly log: Logger) {}

  /** `away`: whether the person has left the channel a while (a web page closed), so a notice also goes by mail. */
  register(prefix: string, deliver: Deliver, away?: (conversationId: string) => boolean): void {
    this.routes.set(prefix, deliver);
    if (away) this.presence.set(prefix, away);
  }

  /** Has the person left this conversation's channel (only channels that can tell say yes)? */
  isAway(conversationId: string): boolean {
    for (const [prefix, away] of this.presence) if (conversationId.startsWith(prefix)) return away(conversationId);
    return false;
  }

  /** Delivers through the conversation's channel; false when no channel claims it. */
  async deliver(conversationId: string, replies: Reply[]): Promise<boolean> {
    for (const [prefix, deliver] of this.routes) {
      if (!conversationId.startsWith(prefix)) continue;
      try {
        await deliver(conversationId, replies);
      } catch (err) {
        this.log.error('out-of-band delivery failed', { code: 'channel.delivery', conversation: conversationId, err });
      }
      return true;
    }
    return false;
  }
}
