// Links as `<id>.<signature>`: a forged token fails the HMAC before the store is asked; the store
// knows the expiry and whether it was used.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Link, LinkCheck, LinkKind, LinkStore } from '../ports/links.ts';
import type { Clock } from '../ports/time.ts';

export class SqliteLinkStore implements LinkStore {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly key: string,
    private readonly clock: Clock,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS links (id TEXT PRIMARY KEY, kind TEXT NOT NULL, conversation TEXT NOT NULL,
      subject TEXT, expires_at INTEGER NOT NULL, used_at INTEGER)`);
    this.stmts = {
      insert: db.prepare('INSERT INTO links (id, kind, conversation, subject, expires_at) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare<[string], { kind: LinkKind; conversation: string; subject: string | null; expires_at: number; used_at: number | null }>(
        'SELECT kind, conversation, subject, expires_at, used_at FROM links WHERE id = ?',
      ),
      use: db.prepare('UPDATE links SET used_at = ? WHERE id = ? AND used_at IS NULL'),
      sweep: db.prepare('DELETE FROM links WHERE expires_at < ?'),
    };
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(`link:${id}`).digest('base64url').slice(0, 16);
  }

  create(link: Link): string {
    this.stmts.sweep.run(this.clock.now() - 24 * 3600_000);
    const id = randomBytes(12).toString('base64url');
    this.stmts.insert.run(id, link.kind, link.conversationId, null, link.expiresAt);
    return `${id}.${this.sign(id)}`;
  }

  check(token: string, kind: LinkKind, consume: boolean): LinkCheck {
    const m = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{16})$/.exec(token);
    if (!m) return { ok: false, reason: 'forged' };
    const [, id = '', sig = ''] = m;
    const want = Buffer.from(this.sign(id));
    if (!timingSafeEqual(want, Buffer.from(sig))) return { ok: false, reason: 'forged' };
    const row = this.stmts.get.get(id);
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.kind !== kind) return { ok: false, reason: 'wrong-kind' };
    if (row.expires_at < this.clock.now()) return { ok: false, reason: 'expired' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    if (consume && this.stmts.use.run(this.clock.now(), id).changes === 0) return { ok: false, reason: 'used' };
    return { ok: true, link: { kind: row.kind, conversationId: row.conversation, expiresAt: row.expires_at } };
  }
}
