// Every hand-over is first written to the store, so a ticket filed while the sink is down is kept
// and delivered when it returns; the person gets a reference at once. Delivery is retried with
// backoff and marked done only after the sink accepted it. Each sink is written down apart, with
// the sink's own id of the ticket (RT's number, Zammad's id), so a follow-up lands on the same ticket
// there and the ticket's status can be read back.
import { randomInt } from 'node:crypto';
import { handleAll, IterableBackoff, retry } from 'cockatiel';
import { describeError, errorCode, HelpdeskError } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';
import { noMetrics, type Metrics } from '../ports/metrics.ts';
import { observerFor, timedRequest } from './upstream-timing.ts';
import type { HandoverQueue, QueuedTicket, Ticket, TicketDelivery, TicketStatus, DeliveryContext } from '../ports/tickets.ts';

export type { QueuedTicket };
import type { Clock } from '../ports/time.ts';
import { delayAfter } from './backoff.ts';
import type { SqlDb } from './sql/db.ts';

export type { Delivered, DeliveryContext, TicketDelivery } from '../ports/tickets.ts';

/** The place of a sink a channel attaches when it starts: its tickets wait, without counting as failed. */
export function awaitingSink(name: string): TicketDelivery {
  return {
    name,
    deliver: () => Promise.reject(new HelpdeskError('ticket.sink-unready', `the ${name} sink has not started in this process`)),
  };
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Waits between tries at writing down that a sink took a ticket (four tries, 3 s of waiting in all). */
const RECORD_WAITS_MS = [500, 1000, 1500];

export function newReference(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `HD-${s}`;
}


interface DueRow {
  reference: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
}

const DUE = 'SELECT reference, body, attempts, next_attempt_at FROM tickets WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY created_at';

/** A delivery given up because the queue is stopping: the ticket is handed back, not counted as failed. */
class HandedBack extends Error {}

export class TicketQueue implements HandoverQueue {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<number>;
  private stopping = false;
  /** Settles (rejecting with HandedBack) when the queue stops: deliveries still at a sink stop waiting for it. */
  private readonly stopped: Promise<never>;
  private stop_!: () => void;

  constructor(
    private readonly db: SqlDb,
    private readonly deliveries: TicketDelivery[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxBackoffMs = 5 * 60_000,
    private readonly metrics: Metrics = noMetrics,
  ) {
    this.stopped = new Promise<never>((_, reject) => (this.stop_ = () => reject(new HandedBack('the ticket queue is stopping'))));
    this.stopped.catch(() => undefined);
  }

  /**
   * Puts a sink a channel brings (the staff channel, which needs the channel's client) in the place
   * its name holds: until then that sink's tickets wait (`awaitingSink`), the other sinks get them.
   */
  attach(delivery: TicketDelivery): void {
    const at = this.deliveries.findIndex((d) => d.name === delivery.name);
    if (at < 0) throw new HelpdeskError('config.invalid', `no ticket sink named ${delivery.name} is configured`);
    this.deliveries[at] = delivery;
  }

  /** `again`: the key was seen before, and this is the reference filed then (nothing new was filed). */
  async open(ticket: Ticket, options: { key?: string } = {}): Promise<{ reference: string; again?: true }> {
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
      if (first) return { reference: first.reference, again: true };
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
    if (this.stopping) return Promise.resolve(0);
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
        if (this.stopping) break;
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
    for (let i = 0; i < 50 && !this.stopping; i++) {
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
    // Each sink gets the ticket once: one that took it is not sent it again when another fails, and
    // one that fails does not keep the others from it. The reference travels with it (Message-ID,
    // Idempotency-Key, the subject RT and Zammad are searched by), so a resend after a crash between
    // "sent" and "written down" is recognisably the same ticket.
    const failures: string[] = [];
    let waiting = false;
    let handedBack = false;
    for (const d of this.deliveries) {
      try {
        // Asked on the connection that holds the ticket's lock: if that connection is gone (a terminated
        // backend), the lock is too and another replica may be sending it; this fails, and nothing is sent.
        if (await db.get('SELECT 1 AS one FROM ticket_deliveries WHERE reference = $1 AND sink = $2', [row.reference, d.name])) continue;
        const ctx = await this.contextFor(db, ticket, d.name);
        const took = await Promise.race([timedRequest(observerFor(this.metrics, `ticket-${d.name}`), 'deliver', () => d.deliver(row.reference, ticket, ctx)), this.stopped]);
        await this.recordDelivery(row.reference, d.name, took?.externalId ?? null);
        this.metrics.count('helpdesk_ticket_deliveries_total', { sink: d.name, outcome: 'delivered' });
      } catch (err) {
        if (err instanceof HandedBack) {
          handedBack = true;
          break;
        }
        if (errorCode(err) === 'ticket.parent-pending' || errorCode(err) === 'ticket.sink-unready') {
          waiting = true;
          continue;
        }
        failures.push(`${d.name}: ${describeError(err)}`);
        this.metrics.count('helpdesk_ticket_deliveries_total', { sink: d.name, outcome: 'failed' });
        this.log.warn('ticket delivery failed; will retry', { code: 'ticket.sink-failed', sink: d.name, ticket: row.reference, attempt: row.attempts + 1, detail: describeError(err) });
      }
    }
    if (handedBack) {
      // Due again as it was, for another replica: on PostgreSQL the lock goes when this transaction
      // ends; on SQLite the minute's claim is undone (a sink that took it after all gets it twice,
      // with the same reference).
      if (db.dialect === 'sqlite') await db.run('UPDATE tickets SET next_attempt_at = $1 WHERE reference = $2 AND delivered_at IS NULL', [row.next_attempt_at, row.reference]);
      this.log.info('ticket handed back at stop', { ticket: row.reference });
      return false;
    }
    if (!failures.length && !waiting) {
      await db.run('UPDATE tickets SET delivered_at = $1, attempts = attempts + 1, last_error = NULL WHERE reference = $2', [this.clock.now(), row.reference]);
      return true;
    }
    // 1 s, 2 s, 4 s … doubling up to maxBackoffMs (5 min); a follow-up waiting for its ticket only 1 s.
    const backoff = failures.length ? delayAfter(row.attempts, 1000, this.maxBackoffMs) : 1000;
    await db.run('UPDATE tickets SET attempts = attempts + $1, next_attempt_at = $2, last_error = $3 WHERE reference = $4', [
      failures.length ? 1 : 0,
      this.clock.now() + backoff,
      failures.join('; ') || 'waiting for the ticket it follows up',
      row.reference,
    ]);
    return false;
  }

  /**
   * A follow-up goes to the ticket it follows up, as the sink filed it. While that one still waits for
   * this sink, the follow-up waits too (so RT gets the ticket before its comment); a ticket this sink
   * never had (purged, or the sink added since) leaves the follow-up to be filed on its own.
   */
  private async contextFor(db: SqlDb, ticket: Ticket, sink: string): Promise<DeliveryContext> {
    const parent = ticket.relatesTo;
    if (!parent) return {};
    const done = await db.get<{ external_id: string | null }>('SELECT external_id FROM ticket_deliveries WHERE reference = $1 AND sink = $2', [parent, sink]);
    if (done) return { parent: { reference: parent, externalId: done.external_id } };
    const pending = await db.get('SELECT 1 AS one FROM tickets WHERE reference = $1 AND delivered_at IS NULL', [parent]);
    if (pending) throw new HelpdeskError('ticket.parent-pending', `${parent} has not reached ${sink} yet`);
    return { parent: { reference: parent, externalId: null } };
  }

  /** Where the person's ticket stands, from the first sink that can tell (a follow-up's reference names its ticket). */
  async status(reference: string): Promise<TicketStatus | undefined> {
    const root = (await this.get(reference))?.ticket.relatesTo ?? reference;
    const rows = await this.db.all<{ sink: string; external_id: string }>('SELECT sink, external_id FROM ticket_deliveries WHERE reference = $1 AND external_id IS NOT NULL', [root]);
    for (const d of this.deliveries) {
      const row = rows.find((r) => r.sink === d.name);
      if (!row || !d.status) continue;
      try {
        const got = await d.status(row.external_id);
        if (got) return { reference: root, sink: d.name, ...got };
      } catch (err) {
        this.log.warn('ticket status could not be read', { code: 'ticket.sink-failed', sink: d.name, ticket: root, detail: describeError(err) });
      }
    }
    return undefined;
  }

  /**
   * The sink took the ticket: that must be written down, or it is sent again. The insert can be
   * repeated (ON CONFLICT DO NOTHING), so a connection lost under it (a terminated backend) is
   * tried again on another before the delivery counts as failed.
   */
  private async recordDelivery(reference: string, sink: string, externalId: string | null): Promise<void> {
    const record = () =>
      this.db.run('INSERT INTO ticket_deliveries (reference, sink, delivered_at, external_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [reference, sink, this.clock.now(), externalId]);
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

  /**
   * Stops delivering and hands back the tickets being delivered (a sink that hangs, say): they are due
   * again at once for another replica instead of after a relay's ten-minute silence or the claim.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true;
    this.stop_();
    await this.draining;
  }
}
