// Slack has its ack before a listener runs; the turns themselves are queued with a little
// concurrency, so a burst of events never keeps the next acks waiting for the event loop. A
// listener only notes its work; queueing it waits until the acks in flight are sent. One person's
// turns run one after the other. An event is accepted into the channel's inbox (shared/inbox.ts)
// before Slack has its ack, so if this replica dies with a backlog, or between the ack and the
// turn, another runs it (see channel.ts: resume); the job marks it done once its turn is saved.
// The cap on turns at once is cockatiel's bulkhead, the project's one policy library (bottleneck,
// a rate limiter, stays with the upstream calls it was chosen for: src/adapters/limits.ts).
import { bulkhead } from 'cockatiel';
import type { Logger } from '../../ports/logger.ts';
import type { InboxEvent } from '../../ports/store.ts';
import type { Inbox } from '../shared/inbox.ts';

/**
 * `saved`: to call once the turn has run, with whether it is in the store; only then does the inbox
 * forget the event (a turn answered but not stored stays for another replica's try, see channel.ts).
 */
type Job = (saved: (stored: boolean) => Promise<void>) => Promise<void>;
/** An event Slack gave an id (and will not send again once acked): kept in the inbox until done. */
export interface Taken {
  eventId: string;
  payload: InboxEvent;
}

export class TurnQueue {
  /** Four turns at once; the rest wait their turn (an unbounded queue: Slack has acked them all). */
  private readonly work = bulkhead(4, Infinity);
  private readonly chains = new Map<string, Promise<void>>();
  /** Requests from Slack still waiting for their ack: turns wait for them (a little), acks go first. */
  private acking = 0;
  private lastArrival = 0;
  private acked: Array<() => void> = [];
  private noted: Array<{ key: string; job: Job; inboxKey?: string }> = [];
  private stopping = false;
  /** Stopped: a turn still waiting for a slot is not run (it stays in the inbox for another replica). */
  private closed = false;
  /** Turns queued and not yet begun, and how many of them are in the inbox. */
  private waiting = { turns: 0, inInbox: 0 };

  constructor(
    private readonly inbox: Inbox,
    private readonly log: Logger,
    /** How long `stop` lets the turns already acked finish. */
    private readonly stopGraceMs = 5_000,
  ) {}

  /** A request from Slack arrived; call what this returns once its response is sent. */
  arrived(): () => void {
    this.acking++;
    this.lastArrival = Date.now();
    return () => {
      this.acking--;
      if (this.acking > 0) return;
      const waiting = this.acked;
      this.acked = [];
      for (const w of waiting) w();
    };
  }

  /**
   * Records the event in the inbox before its ack goes out; false when any replica took it before (a
   * retried delivery: dropped). The store failing rejects with 'store.unavailable', and the request
   * is answered 500, so Slack sends the event again instead of having it acked and lost. The store
   * remembers event ids across a restart and is shared by every replica, so a retry
   * (X-Slack-Retry-Num) sent to another replica is dropped there too.
   */
  accept(taken: Taken): Promise<boolean> {
    return this.inbox.accept(taken.eventId, taken.payload);
  }

  /** Notes a turn for person `key`; `taken`: an event `accept`ed, marked done once its turn is saved. */
  later(key: string, job: Job, taken?: Taken): void {
    if (this.stopping) return;
    this.noted.push({ key, job, ...(taken ? { inboxKey: this.inbox.key(taken.eventId) } : {}) });
    if (this.noted.length === 1) setImmediate(() => void this.quiet().then(() => this.queueNoted()));
  }

  /** Finishes the turns already acked (for up to 5 s), then takes no more; says how many it left. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queueNoted();
    await Promise.race([Promise.allSettled([...this.chains.values()]), new Promise((r) => setTimeout(r, this.stopGraceMs).unref())]);
    this.closed = true;
    const { turns, inInbox } = this.waiting;
    if (turns) this.log.info('slack: stopped with turns not run; those in the inbox are left to another replica', { turns, inInbox });
  }

  private acksSent(): Promise<void> {
    if (this.acking === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 250);
      this.acked.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Until no ack is pending and no request arrived for a few ms (at most half a second). */
  private async quiet(): Promise<void> {
    const until = Date.now() + 500;
    while (Date.now() < until) {
      await this.acksSent();
      if (this.acking === 0 && Date.now() - this.lastArrival >= 5) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private queueNoted(): void {
    const batch = this.noted;
    this.noted = [];
    for (const { key, job, inboxKey } of batch) {
      const previous = this.chains.get(key) ?? Promise.resolve();
      this.waiting.turns++;
      if (inboxKey) this.waiting.inInbox++;
      const next = previous
        .then(async () => {
          await this.work.execute(async () => {
            if (this.closed) return;
            this.waiting.turns--;
            if (inboxKey) this.waiting.inInbox--;
            await this.quiet();
            await job(async (stored) => {
              if (inboxKey && stored) await this.inbox.done(inboxKey);
            });
          });
        })
        .catch((err: unknown) => this.log.error('slack turn failed', { code: 'slack.error', key, err }));
      this.chains.set(key, next);
      void next.then(() => {
        if (this.chains.get(key) === next) this.chains.delete(key);
      });
    }
  }
}
