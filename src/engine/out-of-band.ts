// Replies to turns that did not come from the conversation's own channel: a phone measuring its
// clock, a watch notice. Each channel registers how to deliver to its conversations (by id prefix).
// With several replicas the turn may run on one replica and the person be on another: the web page
// and Discord (whose gateway only the leader holds) deliver through the store's outbox, which tells
// every replica; Slack posts through its Web API from wherever the turn ran.
import type { Reply } from './replies.ts';
import type { Logger } from '../ports/logger.ts';
import type { Outbox } from '../ports/store.ts';

export type Deliver = (conversationId: string, replies: Reply[]) => Promise<void>;

/** A page quiet for this long is taken to be closed: a watch notice also goes by mail. */
export const AWAY_MS = 5 * 60_000;

export class OutOfBand {
  private readonly routes = new Map<string, Deliver>();
  private readonly presence = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly outbox: Outbox,
    private readonly now: () => number = Date.now,
  ) {}

  /** `tracksPresence`: the channel records when its page last asked (the web), so "away" can be told. */
  register(prefix: string, deliver: Deliver, tracksPresence = false): void {
    this.routes.set(prefix, deliver);
    if (tracksPresence) this.presence.add(prefix);
  }

  /** Has the person left this conversation's channel a while (only channels that can tell say yes)? */
  async isAway(conversationId: string): Promise<boolean> {
    for (const prefix of this.presence) {
      if (!conversationId.startsWith(prefix)) continue;
      return this.now() - ((await this.outbox.lastSeen(conversationId)) ?? 0) > AWAY_MS;
    }
    return false;
  }

  /**
   * Delivers through the conversation's channel; false when no channel claims it. A failure is logged,
   * or with `strict` thrown, for a caller that tries again.
   */
  async deliver(conversationId: string, replies: Reply[], options: { strict?: boolean } = {}): Promise<boolean> {
    for (const [prefix, deliver] of this.routes) {
      if (!conversationId.startsWith(prefix)) continue;
      try {
        await deliver(conversationId, replies);
      } catch (err) {
        if (options.strict) throw err;
        this.log.error('out-of-band delivery failed', { code: 'channel.delivery', conversation: conversationId, err });
      }
      return true;
    }
    return false;
  }
}
