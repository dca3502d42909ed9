// Proof of identity by e-mail: a one-time code mailed to the address on the account, typed by the
// person into the conversation that asked. The lookup and the mail run in a queue after the turn,
// so an unknown name and a real one look the same to the asker, in words and in time.
import Bottleneck from 'bottleneck';
import { lookupAccount } from '../checks/account.ts';
import type { CheckDeps } from '../checks/context.ts';
import { catalogues, render } from '../i18n/index.ts';
import type { IdentityProof, ProofConfirmation, ProofRequest } from '../ports/identity.ts';
import type { Logger } from '../ports/logger.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Clock } from '../ports/time.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { AttemptLimiter, RateLimits } from '../ports/limits.ts';
import { formatProofCode, type SqlProofCodes } from './proof-codes.ts';

export interface EmailProofOptions {
  deps: Pick<CheckDeps, 'accounts'>;
  codes: SqlProofCodes;
  limits: RateLimits;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  centre: string;
  supportEmail: string;
  linkMinutes: number;
}

export class EmailProof implements IdentityProof {
  // Per conversation, per account and per origin: a flood of requests sends a handful of mails.
  private readonly perConversation: AttemptLimiter;
  private readonly perAccount: AttemptLimiter;
  private readonly perOrigin: AttemptLimiter;
  private readonly queue = new Bottleneck({ maxConcurrent: 2 });
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly o: EmailProofOptions) {
    // In Redis or PostgreSQL when several replicas serve: the counts are for the whole deployment.
    this.perConversation = o.limits.limiter('proof-conversation', 3, 10 * 60_000);
    this.perAccount = o.limits.limiter('proof-account', 3, 60 * 60_000);
    this.perOrigin = o.limits.limiter('proof-origin', 10, 10 * 60_000);
  }

  async sendProof(req: ProofRequest): Promise<void> {
    // Only limits that do not depend on the account are applied here, before anything is looked up.
    if (!(await this.perConversation.allow(req.conversationId)) || (req.origin && !(await this.perOrigin.allow(req.origin)))) {
      this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'rate-limited' });
      this.o.log.warn('identity proof rate-limited', { conversation: req.conversationId });
      return;
    }
    this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: 'requested' });
    const at = this.o.clock.now();
    const code = await this.o.codes.create(req.conversationId, at + this.o.linkMinutes * 60_000);
    const job = this.queue
      .schedule(() => this.deliver(req, code, at))
      .catch((err: unknown) => this.o.log.error('proof mail job failed', { code: 'proof.fault', conversation: req.conversationId, err }));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  async confirm(conversationId: string, code: string): Promise<ProofConfirmation> {
    const r = await this.o.codes.confirm(conversationId, code);
    this.o.metrics.count('helpdesk_identity_proofs_total', { outcome: r.ok ? 'confirmed' : 'not-confirmed' });
    return r;
  }

  /** Resolves when every queued mail has been sent or given up (tests, and a clean stop). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async stop(): Promise<void> {
    await this.queue.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  private async deliver(req: ProofRequest, code: string, at: number): Promise<void> {
    const found = await lookupAccount(this.o.deps, req.who);
    // What happens from here on is only in the log (at debug): no metric, no answer tells the asker.
    if (found.kind !== 'found' || !found.account.email) {
      this.o.log.debug('identity proof: no mail', { conversation: req.conversationId, why: found.kind });
      return;
    }
    if (!(await this.perAccount.allow(found.account.username))) {
      this.o.log.warn('identity proof rate-limited for an account', { conversation: req.conversationId });
      return;
    }
    await this.o.codes.bind(req.conversationId, code, found.account.username, found.account.email);
    const m = catalogues[req.lang].mail;
    const where = m[`where_${req.channel}` as keyof typeof m] ?? m.where_other;
    const vars = {
      centre: this.o.centre,
      code: formatProofCode(code),
      minutes: this.o.linkMinutes,
      where,
      when: new Date(at).toISOString().slice(0, 16).replace('T', ' '),
      from: req.channel === 'web' && req.origin ? render(m.from_address, { ip: req.origin }) : '',
      support_email: this.o.supportEmail,
    };
    try {
      await this.o.mailer.send({ to: found.account.email, subject: render(m.proof_subject, vars), text: render(m.proof_body, vars) });
    } catch (err) {
      this.o.log.error('proof mail could not be sent', { code: 'upstream.unavailable', conversation: req.conversationId, err });
    }
  }
}
