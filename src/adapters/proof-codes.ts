// One pending proof-of-identity code per conversation, in SQLite beside the conversations. Only a
// keyed hash of the code is kept; a few wrong tries burn it, so it cannot be guessed.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { ProofConfirmation } from '../ports/identity.ts';
import type { Clock } from '../ports/time.ts';
import type { SqlDb } from './sql/db.ts';

import { PROOF_ALPHABET, PROOF_LENGTH } from '../engine/input.ts';

export const PROOF_MAX_TRIES = 5;

export function formatProofCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export class SqlProofCodes {
  constructor(
    private readonly db: SqlDb,
    private readonly key: string,
    private readonly clock: Clock,
  ) {}

  private hash(conversationId: string, code: string): Buffer {
    return createHmac('sha256', this.key).update(`proof:${conversationId}:${code}`).digest();
  }

  /**
   * A new code for this conversation, replacing any earlier one. It proves nobody until `bind` names
   * the account it was mailed to, so a request for a name with no account behaves exactly the same.
   */
  async create(conversationId: string, expiresAt: number): Promise<string> {
    await this.db.run('DELETE FROM proof_codes WHERE expires_at < $1', [this.clock.now()]);
    let code = '';
    for (let i = 0; i < PROOF_LENGTH; i++) code += PROOF_ALPHABET[randomInt(PROOF_ALPHABET.length)];
    await this.db.run(
      `INSERT INTO proof_codes (conversation, subject, hash, expires_at, tries) VALUES ($1, '', $2, $3, 0)
       ON CONFLICT (conversation) DO UPDATE SET subject = excluded.subject, hash = excluded.hash, expires_at = excluded.expires_at, tries = 0, email = NULL`,
      [conversationId, this.hash(conversationId, code).toString('base64url'), expiresAt],
    );
    return code;
  }

  /** The code was mailed to `subject`'s address (only if it is still the conversation's current code). */
  async bind(conversationId: string, code: string, subject: string, email: string): Promise<void> {
    await this.db.run('UPDATE proof_codes SET subject = $1, email = $2 WHERE conversation = $3 AND hash = $4', [
      subject,
      email,
      conversationId,
      this.hash(conversationId, code).toString('base64url'),
    ]);
  }

  async confirm(conversationId: string, code: string): Promise<ProofConfirmation> {
    const row = await this.db.get<{ subject: string; hash: string; expires_at: number; tries: number; email: string | null }>(
      'SELECT subject, hash, expires_at, tries, email FROM proof_codes WHERE conversation = $1',
      [conversationId],
    );
    if (!row) return { ok: false, reason: 'none' };
    const remove = () => this.db.run('DELETE FROM proof_codes WHERE conversation = $1 AND hash = $2', [conversationId, row.hash]);
    if (row.expires_at < this.clock.now()) {
      await remove();
      return { ok: false, reason: 'expired' };
    }
    const want = Buffer.from(row.hash, 'base64url');
    if (row.subject && timingSafeEqual(want, this.hash(conversationId, code))) {
      // Used once: of two replicas confirming at once, only the one that removes it wins.
      return (await remove()) === 1 ? { ok: true, user: row.subject, ...(row.email ? { email: row.email } : {}) } : { ok: false, reason: 'none' };
    }
    // Counted in the database, so tries on several replicas add up.
    const tried = await this.db.get<{ tries: number }>('UPDATE proof_codes SET tries = tries + 1 WHERE conversation = $1 AND hash = $2 RETURNING tries', [
      conversationId,
      row.hash,
    ]);
    if (!tried) return { ok: false, reason: 'none' };
    if (tried.tries >= PROOF_MAX_TRIES) {
      await remove();
      return { ok: false, reason: 'locked' };
    }
    return { ok: false, reason: 'wrong' };
  }
}
