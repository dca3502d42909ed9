// Every hand-over is first written to the store, so a ticket filed while the sink is down is kept
// and delivered when it returns; the person gets a reference at once. Delivery is retried with
// backoff and marked done only after the sink accepted it.
import { describeError } from '../errors.ts';
import { randomInt } from 'node:crypto';
import { handleAll, IterableBackoff, retry } from 'cockatiel';
import type { Logger } from '../ports/logger.ts';
import type { Ticket, TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';
import { delayAfter } from './backoff.ts';
import type { SqlDb } from './sql/db.ts';

/** Where tickets end up: an inbox, a mailbox, a webhook. */
export interface TicketDelivery {
  readonly name: string;
  deliver(reference: string, ticket: Ticket): Promise<void>;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Waits between tries at writing down that a sink took a ticket (four tries, 3 s of waiting in all). */
const RECORD_WAITS_MS = [500, 1000, 1500];

export function newReference(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `HD-${s}`;
}

export interface QueuedTicket {
  reference: string;
  ticket: Ticket;
  attempts: number;
  deliveredAt: number | null;
}

interface DueRow {
  reference: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
}

const DUE = 'SELECT reference, body, attempts, next_attempt_at FROM tickets WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY created_at';

export class TicketQueue implements TicketSink {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<number>;

  constructor(
    private readonly db: SqlDb,
    private readonly deliveries: TicketDelivery[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxBackoffMs = 5 * 60_000,
  ) {}

  async open(ticket: Ticket, options: { key?: string } = {}): Promise<{ reference: string }> {
    const reference = newReference();
    // A key seen before (the same turn, run again after its replica died) is the ticket filed then.
    const added = await this.db.run('INSERT INTO tickets (reference, body, created_at, next_attempt_at, effect_key) VALUES ($1, $2, $3, $3, $4) ON CONFLICT (effect_key) DO NOTHING', [
      reference,
      JSON.stringify(ticket),
      this.clock.now(),
      options.key ?? null,
    ]);
    if (added === 0 && options.key) {
      const first = await this.db.get<{ reference: string }>('SELECT reference FROM tickets WHERE effect_key = $1', [options.key]);
      if (first) return { reference: first.reference };
    }
    void this.drain();
    return { reference };
  }

  async get(reference: string): Promise<QueuedTicket | undefined> {
    const row = await this.db.get<{ reference: string; body: string; attempts: number; delivered_at: number | null }>(
      'SELECT reference, body, attempts, delivered_at FROM tickets WHERE reference = $1',
      [reference],
    );
    return row && { reference: row.reference, ticket: JSON.parse(row.body) as Ticket, attempts: row.attempts, deliveredAt: row.delivered_at };
  }

  /** When the oldest ticket not yet delivered everywhere was opened (ms), or undefined when none waits. */
  async oldestPendingAt(): Promise<number | undefined> {
    const row = await this.db.get<{ at: number | null }>('SELECT MIN(created_at) AS at FROM tickets WHERE delivered_at IS NULL');
    return row?.at == null ? undefined : Number(row.at);
  }

  async pendingCount(): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE delivered_at IS NULL'))?.n ?? 0);
  }

  /** Delivers what is due; concurrent callers share one pass. Resolves to how many were delivered. */
  drain(): Promise<number> {
    this.draining ??= this.pass()
      .catch((err: unknown) => {
        // The store itself failed (closing, disk): the tickets stay queued for the next pass.
        this.log.error('ticket queue pass failed', { code: 'store.unavailable', err });
        return 0;
      })
      .finally(() => {
        this.draining = undefined;
      });
    return this.draining;
  }

  private async pass(): Promise<number> {
    let delivered = 0;
    if (this.db.dialect === 'sqlite') {
      // Each ticket is claimed for a minute before it is sent, so a second process on the same
      // DATA_DIR (a one-shot command beside `serve`) never sends it too.
      for (const row of await this.db.all<DueRow>(`${DUE} LIMIT 50`, [this.clock.now()])) {
        const claimed = await this.db.run('UPDATE tickets SET next_attempt_at = $1 WHERE reference = $2 AND next_attempt_at = $3 AND delivered_at IS NULL', [
          this.clock.now() + 60_000,
          row.reference,
          row.next_attempt_at,
        ]);
        if (claimed && (await this.deliverOne(this.db, row))) delivered++;
      }
      return delivered;
    }
    // Several replicas: each ticket is locked by the one delivering it, for as long as it takes. A
    // replica that dies mid-delivery lets go with its connection, and another picks the ticket up.
    for (let i = 0; i < 50; i++) {
      const outcome = await this.db.transaction(async (tx) => {
        const row = await tx.get<DueRow>(`${DUE} LIMIT 1 FOR UPDATE SKIP LOCKED`, [this.clock.now()]);
        return row ? this.deliverOne(tx, row) : undefined;
      });
      if (outcome === undefined) break;
      if (outcome) delivered++;
    }
    return delivered;
  }

  private async deliverOne(db: SqlDb, row: DueRow): Promise<boolean> {
    const ticket = JSON.parse(row.body) as Ticket;
    try {
      // Each sink gets the ticket once: one that took it is not sent it again when another fails.
      // The reference travels with it (Message-ID, Idempotency-Key), so a resend after a crash between
      // "sent" and "marked" is recognisably the same ticket.
      for (const d of this.deliveries) {
        // Asked on the connection that holds the ticket's lock: if that connection is gone (a terminated
        // backend), the lock is too and another replica may be sending it; this fails, and nothing is sent.
        if (await db.get('SELECT 1 AS one FROM ticket_deliveries WHERE reference = $1 AND sink = $2', [row.reference, d.name])) continue;
        await d.deliver(row.reference, ticket);
        await this.recordDelivery(row.reference, d.name);
      }
      await db.run('UPDATE tickets SET delivered_at = $1, attempts = attempts + 1, last_error = NULL WHERE reference = $2', [this.clock.now(), row.reference]);
      return true;
    } catch (err) {
      // 1 s, 2 s, 4 s … doubling up to maxBackoffMs (5 min).
      const backoff = delayAfter(row.attempts, 1000, this.maxBackoffMs);
      await db.run('UPDATE tickets SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE reference = $3', [this.clock.now() + backoff, describeError(err), row.reference]);
      this.log.warn('ticket delivery failed; will retry', { ticket: row.reference, attempt: row.attempts + 1, detail: describeError(err) });
      return false;
    }
  }

  /**
   * The sink took the ticket: that must be written down, or it is sent again. The insert can be
   * repeated (ON CONFLICT DO NOTHING), so a connection lost under it (a terminated backend) is
   * tried again on another before the delivery counts as failed.
   */
  private async recordDelivery(reference: string, sink: string): Promise<void> {
    const record = () => this.db.run('INSERT INTO ticket_deliveries (reference, sink, delivered_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [reference, sink, this.clock.now()]);
    const policy = retry(handleAll, { maxAttempts: RECORD_WAITS_MS.length, backoff: new IterableBackoff(RECORD_WAITS_MS) });
    policy.onRetry((e) => {
      const detail = 'error' in e ? e.error.message : String(e.value);
      this.log.warn('ticket delivery could not be recorded; trying again', { ticket: reference, sink, attempt: e.attempt, detail });
    });
    await policy.execute(record);
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.drain(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
