// Links as `<id>.<signature>`: a forged token fails the HMAC before the store is asked; the store
// knows the expiry and whether it was used.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Link, LinkCheck, LinkKind, LinkStore } from '../ports/links.ts';
import type { Clock } from '../ports/time.ts';
import type { SqlDb } from './sql/db.ts';

export class SqlLinkStore implements LinkStore {
  constructor(
    private readonly db: SqlDb,
    private readonly key: string,
    private readonly clock: Clock,
  ) {}

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(`link:${id}`).digest('base64url').slice(0, 16);
  }

  async create(link: Link): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    await this.db.run('INSERT INTO links (id, kind, conversation, subject, expires_at) VALUES ($1, $2, $3, $4, $5)', [id, link.kind, link.conversationId, null, link.expiresAt]);
    return `${id}.${this.sign(id)}`;
  }

  async check(token: string, kind: LinkKind, consume: boolean): Promise<LinkCheck> {
    const m = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{16})$/.exec(token);
    if (!m) return { ok: false, reason: 'forged' };
    const [, id = '', sig = ''] = m;
    const want = Buffer.from(this.sign(id));
    if (!timingSafeEqual(want, Buffer.from(sig))) return { ok: false, reason: 'forged' };
    const row = await this.db.get<{ kind: LinkKind; conversation: string; expires_at: number; used_at: number | null }>(
      'SELECT kind, conversation, expires_at, used_at FROM links WHERE id = $1',
      [id],
    );
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.kind !== kind) return { ok: false, reason: 'wrong-kind' };
    if (row.expires_at < this.clock.now()) return { ok: false, reason: 'expired' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    if (consume && (await this.db.run('UPDATE links SET used_at = $1 WHERE id = $2 AND used_at IS NULL', [this.clock.now(), id])) === 0) return { ok: false, reason: 'used' };
    return { ok: true, link: { kind: row.kind, conversationId: row.conversation, expiresAt: row.expires_at } };
  }
}
