// The at-least-once inbox of a channel that acks an event before it answers it (Slack's Events API,
// Discord's gateway): the event is written to the store with its seen mark before the ack, marked
// done once its turn is saved, and an event a replica accepted and never finished (it died, or was
// deposed) is claimed by another replica and run there, once. One set of timings for every channel.
// Events that arrive together (a burst of Slack's HTTP requests read in one turn of the event loop)
// share one insert, written at the end of that turn: each ack still waits for its own row.
import { asHelpdeskError } from '../../errors.ts';
import type { Logger } from '../../ports/logger.ts';
import type { AcceptedEvent, InboxEvent, SeenEvents } from '../../ports/store.ts';
import type { Clock } from '../../ports/time.ts';

/**
 * An accepted event not done this long after is taken to be lost with its replica (a live one's
 * backlog was 30 s at worst in the soak, at load 15: four times that leaves no live turn claimed
 * twice); it is then leased to one replica for as long again.
 */
export const INBOX_RESUME_AFTER_MS = 120_000;
/** How often each replica looks for such events (every replica may look: the lease gives each to one). */
export const INBOX_LOOK_EVERY_MS = 30_000;

interface Waiting {
  eventId: string;
  payload: InboxEvent;
  resolve: (fresh: boolean) => void;
  reject: (err: unknown) => void;
}

export class Inbox {
  private looking: NodeJS.Timeout | undefined;
  /** Events accepted in this turn of the event loop, written together at its end. */
  private waiting: Waiting[] = [];

  /** `channel`: the channel's name, the prefix of its inbox keys (`slack:Ev123`). */
  constructor(
    private readonly seen: SeenEvents,
    readonly channel: string,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** The inbox key of a platform event id. */
  key(eventId: string): string {
    return `${this.channel}:${eventId}`;
  }

  /**
   * Records the event before its ack goes out; false when any replica took it before (a retried
   * delivery, a replayed message: dropped). The store failing rejects with 'store.unavailable', so
   * the channel refuses the ack and the platform sends the event again instead of losing it.
   */
  async accept(eventId: string, payload: InboxEvent): Promise<boolean> {
    const fresh = await new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ eventId, payload, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.write());
    });
    if (!fresh) this.log.info(`${this.channel}: duplicate event dropped`, { event: eventId });
    return fresh;
  }

  /** One insert for the events waiting; the same event twice among them (a quick retry) is new once. */
  private async write(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    const first = new Map<string, Waiting>();
    for (const w of batch) if (!first.has(w.eventId)) first.set(w.eventId, w);
    const events = [...first.values()];
    let fresh: boolean[];
    try {
      fresh = await this.seen.acceptAll(events.map((w) => ({ key: this.key(w.eventId), payload: w.payload })));
    } catch (err) {
      for (const w of batch) w.reject(asHelpdeskError(err, 'store.unavailable', `${this.channel}: event ${w.eventId} could not be accepted`));
      return;
    }
    events.forEach((w, i) => w.resolve(fresh[i] === true));
    for (const w of batch) if (first.get(w.eventId) !== w) w.resolve(false);
  }

  /** The event's turn is saved (or, for a claimed event, was tried again): nobody runs it again. */
  done(key: string): Promise<void> {
    return this.seen.done(key);
  }

  /** The events other replicas accepted and left unfinished, leased to this one. */
  claim(now = this.clock.now()): Promise<AcceptedEvent[]> {
    return this.seen.claim(`${this.channel}:`, INBOX_RESUME_AFTER_MS, INBOX_RESUME_AFTER_MS, now);
  }

  /** Runs `resume` (which claims and runs what it finds) every INBOX_LOOK_EVERY_MS until `stop`. */
  watch(resume: () => Promise<number>): void {
    this.looking ??= setInterval(
      () => void resume().catch((err: unknown) => this.log.error(`${this.channel}: the inbox could not be read`, { code: 'channel.inbox', err })),
      INBOX_LOOK_EVERY_MS,
    ).unref();
  }

  stop(): void {
    clearInterval(this.looking);
    this.looking = undefined;
  }
}
