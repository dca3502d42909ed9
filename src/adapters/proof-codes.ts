// One pending proof-of-identity code per conversation, in SQLite beside the conversations. Only a
// keyed hash of the code is kept; a few wrong tries burn it, so it cannot be guessed.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ProofConfirmation } from '../ports/identity.ts';
import type { Clock } from '../ports/time.ts';

import { PROOF_ALPHABET, PROOF_LENGTH } from '../engine/input.ts';

export const PROOF_MAX_TRIES = 5;

export function formatProofCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export class SqliteProofCodes {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly key: string,
    private readonly clock: Clock,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS proof_codes (conversation TEXT PRIMARY KEY, subject TEXT NOT NULL, hash TEXT NOT NULL,
      expires_at INTEGER NOT NULL, tries INTEGER NOT NULL DEFAULT 0, email TEXT)`);
    // A table made before the e-mail was kept gains the column.
    const columns = db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'proof_codes\')').all();
    if (!columns.some((c) => c.name === 'email')) db.exec('ALTER TABLE proof_codes ADD COLUMN email TEXT');
    this.stmts = {
      put: db.prepare(`INSERT INTO proof_codes (conversation, subject, hash, expires_at, tries) VALUES (?, ?, ?, ?, 0)
        ON CONFLICT(conversation) DO UPDATE SET subject = excluded.subject, hash = excluded.hash, expires_at = excluded.expires_at, tries = 0`),
      get: db.prepare<[string], { subject: string; hash: string; expires_at: number; tries: number; email: string | null }>(
        'SELECT subject, hash, expires_at, tries, email FROM proof_codes WHERE conversation = ?',
      ),
      bind: db.prepare('UPDATE proof_codes SET subject = ?, email = ? WHERE conversation = ? AND hash = ?'),
      tried: db.prepare('UPDATE proof_codes SET tries = tries + 1 WHERE conversation = ?'),
      remove: db.prepare('DELETE FROM proof_codes WHERE conversation = ?'),
      sweep: db.prepare('DELETE FROM proof_codes WHERE expires_at < ?'),
    };
  }

  private hash(conversationId: string, code: string): Buffer {
    return createHmac('sha256', this.key).update(`proof:${conversationId}:${code}`).digest();
  }

  /**
   * A new code for this conversation, replacing any earlier one. It proves nobody until `bind` names
   * the account it was mailed to, so a request for a name with no account behaves exactly the same.
   */
  create(conversationId: string, expiresAt: number): string {
    this.stmts.sweep.run(this.clock.now());
    let code = '';
    for (let i = 0; i < PROOF_LENGTH; i++) code += PROOF_ALPHABET[randomInt(PROOF_ALPHABET.length)];
    this.stmts.put.run(conversationId, '', this.hash(conversationId, code).toString('base64url'), expiresAt);
    return code;
  }

  /** The code was mailed to `subject`'s address (only if it is still the conversation's current code). */
  bind(conversationId: string, code: string, subject: string, email: string): void {
    this.stmts.bind.run(subject, email, conversationId, this.hash(conversationId, code).toString('base64url'));
  }

  confirm(conversationId: string, code: string): ProofConfirmation {
    const row = this.stmts.get.get(conversationId);
    if (!row) return { ok: false, reason: 'none' };
    if (row.expires_at < this.clock.now()) {
      this.stmts.remove.run(conversationId);
      return { ok: false, reason: 'expired' };
    }
    const want = Buffer.from(row.hash, 'base64url');
    if (row.subject && timingSafeEqual(want, this.hash(conversationId, code))) {
      this.stmts.remove.run(conversationId);
      return { ok: true, user: row.subject, ...(row.email ? { email: row.email } : {}) };
    }
    if (row.tries + 1 >= PROOF_MAX_TRIES) {
      this.stmts.remove.run(conversationId);
      return { ok: false, reason: 'locked' };
    }
    this.stmts.tried.run(conversationId);
    return { ok: false, reason: 'wrong' };
  }
}
