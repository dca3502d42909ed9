// Watches in SQLite beside the conversations. Every state change is one conditional UPDATE, so two
// ticks (or a tick and a hook) never notify twice.
import type Database from 'better-sqlite3';
import type { NewWatch, Watch, WatchState, WatchStore } from '../ports/watches.ts';

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
  id: r.id,
  user: r.user,
  conversationId: r.conversation,
  channel: r.channel,
  lang: r.lang === 'sv' ? 'sv' : 'en',
  ...(r.email ? { email: r.email } : {}),
  createdAt: r.created_at,
  nextCheckAt: r.next_check_at,
  state: r.state,
  ...(r.overdue_ticket ? { overdueTicket: r.overdue_ticket } : {}),
  ...(r.notified_at ? { notifiedAt: r.notified_at } : {}),
});

export class SqliteWatches implements WatchStore {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS watches (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, conversation TEXT NOT NULL,
        channel TEXT NOT NULL, lang TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL, next_check_at INTEGER NOT NULL,
        state TEXT NOT NULL, overdue_ticket TEXT, notified_at INTEGER);
      CREATE UNIQUE INDEX IF NOT EXISTS watches_open ON watches(user, conversation) WHERE state = 'open';
      CREATE INDEX IF NOT EXISTS watches_due ON watches(state, next_check_at);
    `);
    this.stmts = {
      insert: db.prepare(`INSERT INTO watches (user, conversation, channel, lang, email, created_at, next_check_at, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT DO NOTHING`),
      open: db.prepare<[string, string], Row>(`SELECT * FROM watches WHERE user = ? AND conversation = ? AND state = 'open'`),
      stop: db.prepare(`UPDATE watches SET state = 'stopped' WHERE conversation = ? AND state = 'open'`),
      due: db.prepare<[number, number], Row>(`SELECT * FROM watches WHERE state = 'open' AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`),
      reschedule: db.prepare(`UPDATE watches SET next_check_at = ? WHERE id = ? AND state = 'open'`),
      notified: db.prepare(`UPDATE watches SET state = 'notified', notified_at = ? WHERE id = ? AND state = 'open'`),
      overdue: db.prepare(`UPDATE watches SET overdue_ticket = ? WHERE id = ? AND overdue_ticket IS NULL`),
      wake: db.prepare(`UPDATE watches SET next_check_at = ? WHERE user = ? AND state = 'open'`),
      expiring: db.prepare<[number], Row>(`SELECT * FROM watches WHERE state = 'open' AND created_at < ?`),
      expire: db.prepare(`UPDATE watches SET state = 'expired' WHERE id = ? AND state = 'open'`),
      all: db.prepare<[], Row>(`SELECT * FROM watches ORDER BY created_at`),
      byState: db.prepare<[string], Row>(`SELECT * FROM watches WHERE state = ? ORDER BY created_at`),
    };
  }

  add(w: NewWatch, now: number): { watch: Watch; created: boolean } {
    const created = this.stmts.insert.run(w.user, w.conversationId, w.channel, w.lang, w.email ?? null, now, now).changes === 1;
    return { watch: toWatch(this.stmts.open.get(w.user, w.conversationId) as Row), created };
  }

  stop(conversationId: string): number {
    return this.stmts.stop.run(conversationId).changes;
  }

  due(now: number, limit: number): Watch[] {
    return this.stmts.due.all(now, limit).map(toWatch);
  }

  reschedule(id: number, at: number): void {
    this.stmts.reschedule.run(at, id);
  }

  claimNotified(id: number, now: number): boolean {
    return this.stmts.notified.run(now, id).changes === 1;
  }

  claimOverdue(id: number, ticket: string): boolean {
    return this.stmts.overdue.run(ticket, id).changes === 1;
  }

  wake(user: string, now: number): number {
    return this.stmts.wake.run(now, user).changes;
  }

  expire(before: number): Watch[] {
    const rows = this.stmts.expiring.all(before);
    return rows.filter((r) => this.stmts.expire.run(r.id).changes === 1).map(toWatch);
  }

  list(options: { state?: WatchState } = {}): Watch[] {
    return (options.state ? this.stmts.byState.all(options.state) : this.stmts.all.all()).map(toWatch);
  }
}
