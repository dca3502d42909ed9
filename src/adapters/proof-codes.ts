// One pending proof-of-identity code per conversation, in SQLite beside the conversations. Only a
// keyed hash of the code is kept; a few wrong tries burn it, so it cannot be guessed.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { ProofConfirmation, ProofRequest } from '../ports/identity.ts';
import type { Mail } from '../ports/mailer.ts';
import type { Clock } from '../ports/time.ts';
import type { SqlDb } from './sql/db.ts';

import { PROOF_ALPHABET, PROOF_LENGTH } from '../engine/proof-code.ts';

export const PROOF_MAX_TRIES = 5;
/** A place (an address, a Slack or Discord identity) an account was proven from stays the owner's this long. */
export const PROOF_TRUST_MS = 30 * 24 * 3600_000;

export function formatProofCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** What a code's row keeps until the mail is sent: the request (not yet looked up), then the mail. */
export type ProofMailWork = { request: ProofRequest; code: string; at: number } | { mail: Mail };

/** A proof mail (or the request for one) waiting in its code's row until the relay took it (see EmailProof). */
export interface QueuedProofMail {
  conversation: string;
  hash: string;
  dueAt: number;
  /** When the code expires: no mail of it is sent after. */
  expiresAt: number;
  attempts: number;
  work: ProofMailWork;
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
    return (await this.createFor(conversationId, expiresAt)).code;
  }

  /**
   * `create`, keeping the request itself (sealed) due at `dueAt`: if this process does not bind it by
   * then (it died, the directory did not answer), any replica's `dueMails` finds it. Resolves to the
   * code and the due time `bind` must still find.
   */
  async createFor(conversationId: string, expiresAt: number, request?: ProofRequest, dueAt?: number): Promise<{ code: string; hash: string; dueAt: number | null; again?: true }> {
    await this.db.run('DELETE FROM proof_codes WHERE expires_at < $1', [this.clock.now()]);
    let code = '';
    for (let i = 0; i < PROOF_LENGTH; i++) code += PROOF_ALPHABET[randomInt(PROOF_ALPHABET.length)];
    const due = request ? (dueAt ?? this.clock.now()) : null;
    const work: ProofMailWork | undefined = request && { request, code, at: this.clock.now() };
    const hash = this.hash(conversationId, code).toString('base64url');
    // A request with the key of the code there now (the same turn, run again after its replica died)
    // leaves that code and its mail as they are: `again`, and nothing new is sent.
    const n = await this.db.run(
      `INSERT INTO proof_codes (conversation, subject, hash, expires_at, tries, mail, mail_due_at, request_key) VALUES ($1, '', $2, $3, 0, $4, $5, $6)
       ON CONFLICT (conversation) DO UPDATE SET subject = excluded.subject, hash = excluded.hash, expires_at = excluded.expires_at, tries = 0, email = NULL,
         mail = excluded.mail, mail_due_at = excluded.mail_due_at, mail_attempts = 0, request_key = excluded.request_key
       WHERE excluded.request_key IS NULL OR proof_codes.request_key IS NULL OR proof_codes.request_key <> excluded.request_key`,
      [conversationId, hash, expiresAt, work ? this.seal(work) : null, due, request?.key ?? null],
    );
    return n === 0 ? { code, hash, dueAt: due, again: true } : { code, hash, dueAt: due };
  }

  /**
   * The code goes to `subject`'s address (only if it is still the conversation's current code, and,
   * given `dueAt`, nobody else took its request since): the mail waits in the row, sealed (the code is
   * never stored readable), until `mailSent`. Resolves to whether the row was this caller's to bind.
   */
  async bind(conversationId: string, code: string, subject: string, email: string, mail?: Mail, dueAt?: number | null, requester?: string): Promise<boolean> {
    const taken = dueAt == null ? '' : ' AND mail_due_at = $8';
    const n = await this.db.run(`UPDATE proof_codes SET subject = $1, email = $2, mail = $3, mail_due_at = $4, requester = $7 WHERE conversation = $5 AND hash = $6${taken}`, [
      subject,
      email,
      mail ? this.seal({ mail }) : null,
      mail ? this.clock.now() : null,
      conversationId,
      this.hash(conversationId, code).toString('base64url'),
      requester ?? null,
      ...(dueAt == null ? [] : [dueAt]),
    ]);
    return n === 1;
  }

  /**
   * Who asks, as kept: a keyed hash of the place (an address, `discord:<id>`, `slack:<id>`, else the
   * conversation), so neither the store nor the shared limits hold the address itself.
   */
  requesterOf(place: string): string {
    return createHmac('sha256', this.key).update(`requester:${place}`).digest('base64url').slice(0, 32);
  }

  /** Whether `account` has been proven from `requester` (a code typed there) within PROOF_TRUST_MS. */
  async trusted(account: string, requester: string): Promise<boolean> {
    return !!(await this.db.get('SELECT 1 AS one FROM proof_trust WHERE account = $1 AND requester = $2 AND until > $3', [account.toLowerCase(), requester, this.clock.now()]));
  }

  /** No mail for this request (no such account, a limit): the kept request goes, if still the caller's. */
  async forget(conversationId: string, code: string, dueAt: number): Promise<void> {
    await this.db.run('UPDATE proof_codes SET mail = NULL, mail_due_at = NULL WHERE conversation = $1 AND hash = $2 AND mail_due_at = $3', [
      conversationId,
      this.hash(conversationId, code).toString('base64url'),
      dueAt,
    ]);
  }

  /** Mails due now whose code still holds, oldest first. */
  async dueMails(limit = 20): Promise<QueuedProofMail[]> {
    const now = this.clock.now();
    const rows = await this.db.all<{ conversation: string; hash: string; mail: string; mail_due_at: number; expires_at: number; mail_attempts: number }>(
      'SELECT conversation, hash, mail, mail_due_at, expires_at, mail_attempts FROM proof_codes WHERE mail IS NOT NULL AND mail_due_at <= $1 AND expires_at > $1 ORDER BY mail_due_at LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => ({
      conversation: r.conversation,
      hash: r.hash,
      dueAt: Number(r.mail_due_at),
      expiresAt: Number(r.expires_at),
      attempts: r.mail_attempts,
      work: this.unseal(r.mail),
    }));
  }

  /** Takes the mail for `leaseMs` (the new due time), unless another process took it since it was read (undefined). */
  async claimMail(m: QueuedProofMail, leaseMs: number): Promise<number | undefined> {
    const until = this.clock.now() + leaseMs;
    const n = await this.db.run('UPDATE proof_codes SET mail_due_at = $1 WHERE conversation = $2 AND hash = $3 AND mail_due_at = $4 AND mail IS NOT NULL', [
      until,
      m.conversation,
      m.hash,
      m.dueAt,
    ]);
    return n === 1 ? until : undefined;
  }

  /**
   * Rows a stopping process held (until `dueAt`) are due again now, each only if nobody took it since:
   * another replica sends the mail at once instead of waiting out the lease. Resolves to how many.
   */
  async handBack(held: Array<{ conversation: string; hash: string; dueAt: number }>): Promise<number> {
    let n = 0;
    for (const h of held) {
      n += await this.db.run('UPDATE proof_codes SET mail_due_at = $1 WHERE conversation = $2 AND hash = $3 AND mail_due_at = $4 AND mail IS NOT NULL', [
        this.clock.now(),
        h.conversation,
        h.hash,
        h.dueAt,
      ]);
    }
    return n;
  }

  /** The relay took it (or there is nothing to send): the sealed copy goes, the code stays for `confirm`. */
  async mailSent(m: QueuedProofMail): Promise<void> {
    await this.db.run('UPDATE proof_codes SET mail = NULL, mail_due_at = NULL WHERE conversation = $1 AND hash = $2', [m.conversation, m.hash]);
  }

  async mailFailed(m: QueuedProofMail, retryAt: number): Promise<void> {
    await this.db.run('UPDATE proof_codes SET mail_due_at = $1, mail_attempts = mail_attempts + 1 WHERE conversation = $2 AND hash = $3 AND mail IS NOT NULL', [
      retryAt,
      m.conversation,
      m.hash,
    ]);
  }

  private sealKey(): Buffer {
    return createHash('sha256').update(`proof-mail:${this.key}`).digest();
  }

  private seal(work: ProofMailWork): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey(), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(work), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  private unseal(sealed: string): ProofMailWork {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as ProofMailWork;
  }

  async confirm(conversationId: string, code: string): Promise<ProofConfirmation> {
    const row = await this.db.get<{ subject: string; hash: string; expires_at: number; tries: number; email: string | null; requester: string | null }>(
      'SELECT subject, hash, expires_at, tries, email, requester FROM proof_codes WHERE conversation = $1',
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
      if ((await remove()) !== 1) return { ok: false, reason: 'none' };
      // The place the code was asked from is now one of the owner's own.
      if (row.requester) {
        await this.db.run('INSERT INTO proof_trust (account, requester, until) VALUES ($1, $2, $3) ON CONFLICT (account, requester) DO UPDATE SET until = excluded.until', [
          row.subject.toLowerCase(),
          row.requester,
          this.clock.now() + PROOF_TRUST_MS,
        ]);
      }
      return { ok: true, user: row.subject, ...(row.email ? { email: row.email } : {}) };
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
