// Every hand-over is first written to the store, so a ticket filed while the sink is down is kept
// and delivered when it returns; the person gets a reference at once. Delivery is retried with
// backoff and marked done only after the sink accepted it.
import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from '../ports/logger.ts';
import type { Ticket, TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';

/** Where tickets end up: an inbox, a mailbox, a webhook. */
export interface TicketDelivery {
  readonly name: string;
  deliver(reference: string, ticket: Ticket): Promise<void>;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

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

export class TicketQueue implements TicketSink {
  private readonly stmts;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<number>;

  constructor(
    db: Database.Database,
    private readonly deliveries: TicketDelivery[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxBackoffMs = 5 * 60_000,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS tickets (
      reference TEXT PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT);
      CREATE TABLE IF NOT EXISTS ticket_deliveries (reference TEXT NOT NULL, sink TEXT NOT NULL, delivered_at INTEGER NOT NULL,
        PRIMARY KEY (reference, sink))`);
    this.stmts = {
      insert: db.prepare('INSERT INTO tickets (reference, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?)'),
      due: db.prepare<[number], { reference: string; body: string; attempts: number }>(
        'SELECT reference, body, attempts FROM tickets WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT 50',
      ),
      done: db.prepare('UPDATE tickets SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE reference = ?'),
      failed: db.prepare('UPDATE tickets SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE reference = ?'),
      get: db.prepare<[string], { reference: string; body: string; attempts: number; delivered_at: number | null }>(
        'SELECT reference, body, attempts, delivered_at FROM tickets WHERE reference = ?',
      ),
      pending: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE delivered_at IS NULL'),
      sinkDone: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM ticket_deliveries WHERE reference = ? AND sink = ?'),
      markSink: db.prepare('INSERT OR IGNORE INTO ticket_deliveries (reference, sink, delivered_at) VALUES (?, ?, ?)'),
    };
  }

  async open(ticket: Ticket): Promise<{ reference: string }> {
    const reference = newReference();
    this.stmts.insert.run(reference, JSON.stringify(ticket), this.clock.now(), this.clock.now());
    void this.drain();
    return { reference };
  }

  get(reference: string): QueuedTicket | undefined {
    const row = this.stmts.get.get(reference);
    return row && { reference: row.reference, ticket: JSON.parse(row.body) as Ticket, attempts: row.attempts, deliveredAt: row.delivered_at };
  }

  pendingCount(): number {
    return this.stmts.pending.get()?.n ?? 0;
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
    for (const row of this.stmts.due.all(this.clock.now())) {
      const ticket = JSON.parse(row.body) as Ticket;
      try {
        // Each sink gets the ticket once: one that took it is not sent it again when another fails.
        for (const d of this.deliveries) {
          if ((this.stmts.sinkDone.get(row.reference, d.name)?.n ?? 0) > 0) continue;
          await d.deliver(row.reference, ticket);
          this.stmts.markSink.run(row.reference, d.name, this.clock.now());
        }
        this.stmts.done.run(this.clock.now(), row.reference);
        delivered++;
      } catch (err) {
        const backoff = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(row.attempts, 12));
        this.stmts.failed.run(this.clock.now() + backoff, (err as Error).message, row.reference);
        this.log.warn('ticket delivery failed; will retry', { ticket: row.reference, attempt: row.attempts + 1, detail: (err as Error).message });
      }
    }
    return delivered;
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.drain(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
