// The staff channel's threads in the store (SQLite or PostgreSQL): one row a hand-over card. A claim,
// a close and the "the bot is quiet now" notice are each one conditional update, so on any number of
// replicas the first wins and the rest see it.
import type { Claim, StaffThread, StaffThreads } from '../../ports/staff-threads.ts';
import { isLang } from '../../ports/lang.ts';
import type { SqlDb } from './db.ts';

interface Row {
  reference: string;
  conversation: string;
  lang: string;
  place: string;
  thread: string;
  owner: string | null;
  closed_at: number | null;
}

const COLUMNS = 'reference, conversation, lang, place, thread, owner, closed_at';

function thread(r: Row | undefined): StaffThread | undefined {
  if (!r) return undefined;
  return {
    reference: r.reference,
    conversationId: r.conversation,
    lang: isLang(r.lang) ? r.lang : 'en',
    place: r.place,
    thread: r.thread,
    ...(r.owner ? { owner: r.owner } : {}),
    ...(r.closed_at != null ? { closedAt: Number(r.closed_at) } : {}),
  };
}

export class SqlStaffThreads implements StaffThreads {
  constructor(private readonly db: SqlDb) {}

  async opened(t: Omit<StaffThread, 'owner' | 'closedAt'>, now: number): Promise<void> {
    await this.db.run('INSERT INTO staff_threads (reference, conversation, lang, place, thread, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reference) DO NOTHING', [
      t.reference,
      t.conversationId,
      t.lang,
      t.place,
      t.thread,
      now,
    ]);
  }

  async byReference(reference: string): Promise<StaffThread | undefined> {
    return thread(await this.db.get<Row>(`SELECT ${COLUMNS} FROM staff_threads WHERE reference = $1`, [reference]));
  }

  async byThread(place: string, id: string): Promise<StaffThread | undefined> {
    return thread(await this.db.get<Row>(`SELECT ${COLUMNS} FROM staff_threads WHERE place = $1 AND thread = $2`, [place, id]));
  }

  async liveFor(conversationId: string): Promise<StaffThread | undefined> {
    return thread(await this.db.get<Row>(`SELECT ${COLUMNS} FROM staff_threads WHERE conversation = $1 AND closed_at IS NULL ORDER BY created_at DESC LIMIT 1`, [conversationId]));
  }

  async claim(reference: string, staff: string): Promise<Claim | undefined> {
    await this.db.run('UPDATE staff_threads SET owner = $1 WHERE reference = $2 AND owner IS NULL', [staff, reference]);
    const owner = (await this.db.get<{ owner: string | null }>('SELECT owner FROM staff_threads WHERE reference = $1', [reference]))?.owner;
    return owner ? { owner, mine: owner === staff } : undefined;
  }

  async close(reference: string, now: number): Promise<boolean> {
    return (await this.db.run('UPDATE staff_threads SET closed_at = $1 WHERE reference = $2 AND closed_at IS NULL', [now, reference])) === 1;
  }

  async firstQuiet(reference: string, now: number): Promise<boolean> {
    return (await this.db.run('UPDATE staff_threads SET quiet_at = $1 WHERE reference = $2 AND quiet_at IS NULL', [now, reference])) === 1;
  }
}
