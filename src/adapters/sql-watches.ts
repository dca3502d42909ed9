// Watches in the store beside the conversations (SQLite or PostgreSQL). Every state change is one conditional UPDATE, so two
// ticks (or a tick and a hook) never notify twice.
import type { NewWatch, Watch, WatchState, WatchStore } from '../ports/watches.ts';
import type { SqlDb } from './sql/db.ts';
import { isLang } from '../ports/lang.ts';

interface Row {
  id: number;
  user: string;
  conversation: string;
  channel: string;
  lang: string;
  email: string | null;
  created_at: number;
  next_check_at: number;
  state: WatchState;
  overdue_ticket: string | null;
  notified_at: number | null;
}

const toWatch = (r: Row): Watch => ({
  id: Number(r.id),
  user: r.user,
  conversationId: r.conversation,
  channel: r.channel,
  lang: isLang(r.lang) ? r.lang : 'en',
  ...(r.email ? { email: r.email } : {}),
  createdAt: Number(r.created_at),
  nextCheckAt: Number(r.next_check_at),
  state: r.state,
  ...(r.overdue_ticket ? { overdueTicket: r.overdue_ticket } : {}),
  ...(r.notified_at ? { notifiedAt: Number(r.notified_at) } : {}),
});

const COLUMNS = 'id, "user", conversation, channel, lang, email, created_at, next_check_at, state, overdue_ticket, notified_at';

export class SqlWatches implements WatchStore {
  constructor(private readonly db: SqlDb) {}

  async add(w: NewWatch, now: number): Promise<{ watch: Watch; created: boolean }> {
    const created =
      (await this.db.run(
        `INSERT INTO watches ("user", conversation, channel, lang, email, created_at, next_check_at, state)
         VALUES ($1, $2, $3, $4, $5, $6, $6, 'open') ON CONFLICT DO NOTHING`,
        [w.user, w.conversationId, w.channel, w.lang, w.email ?? null, now],
      )) === 1;
    const row = await this.db.get<Row>(`SELECT ${COLUMNS} FROM watches WHERE "user" = $1 AND conversation = $2 AND state = 'open'`, [w.user, w.conversationId]);
    return { watch: toWatch(row as Row), created };
  }

  stop(conversationId: string): Promise<number> {
    return this.db.run(`UPDATE watches SET state = 'stopped' WHERE conversation = $1 AND state = 'open'`, [conversationId]);
  }

  async due(now: number, limit: number, leaseMs: number): Promise<Watch[]> {
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM watches WHERE (state = 'open' AND next_check_at <= $1) OR (state = 'notifying' AND notified_at <= $2) ORDER BY next_check_at LIMIT $3`,
      [now, now - leaseMs, limit],
    );
    return rows.map(toWatch);
  }

  async reschedule(id: number, at: number): Promise<void> {
    await this.db.run(`UPDATE watches SET next_check_at = $1 WHERE id = $2 AND state = 'open'`, [at, id]);
  }

  async claimNotified(id: number, now: number, leaseMs: number): Promise<boolean> {
    const claimed = await this.db.run(
      `UPDATE watches SET state = 'notifying', notified_at = $1 WHERE id = $2 AND (state = 'open' OR (state = 'notifying' AND notified_at <= $3))`,
      [now, id, now - leaseMs],
    );
    return claimed === 1;
  }

  async notified(id: number): Promise<void> {
    await this.db.run(`UPDATE watches SET state = 'notified' WHERE id = $1 AND state = 'notifying'`, [id]);
  }

  async release(id: number, at: number): Promise<void> {
    // Open again, unless the person asked anew meanwhile (one open watch per account and conversation): that one notifies.
    const reopened = await this.db.run(
      `UPDATE watches SET state = 'open', next_check_at = $1, notified_at = NULL WHERE id = $2 AND state = 'notifying'
         AND NOT EXISTS (SELECT 1 FROM watches o WHERE o."user" = watches."user" AND o.conversation = watches.conversation AND o.state = 'open')`,
      [at, id],
    );
    if (!reopened) await this.db.run(`UPDATE watches SET state = 'stopped' WHERE id = $1 AND state = 'notifying'`, [id]);
  }

  async claimOverdue(id: number, ticket: string): Promise<boolean> {
    return (await this.db.run('UPDATE watches SET overdue_ticket = $1 WHERE id = $2 AND overdue_ticket IS NULL', [ticket, id])) === 1;
  }

  wake(user: string, now: number): Promise<number> {
    return this.db.run(`UPDATE watches SET next_check_at = $1 WHERE "user" = $2 AND state = 'open'`, [now, user]);
  }

  async expire(before: number): Promise<Watch[]> {
    const rows = await this.db.all<Row>(`UPDATE watches SET state = 'expired' WHERE state = 'open' AND created_at < $1 RETURNING ${COLUMNS}`, [before]);
    return rows.map(toWatch);
  }

  async list(options: { state?: WatchState } = {}): Promise<Watch[]> {
    const rows = options.state
      ? await this.db.all<Row>(`SELECT ${COLUMNS} FROM watches WHERE state = $1 ORDER BY created_at, id`, [options.state])
      : await this.db.all<Row>(`SELECT ${COLUMNS} FROM watches ORDER BY created_at, id`);
    return rows.map(toWatch);
  }
}
