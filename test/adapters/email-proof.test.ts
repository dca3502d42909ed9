// The proof-mail queue and its limits as an attacker would use them: timing one's
// own mail behind requests for someone else's name, and asking for someone's name until the owner
// gets no code. The real queue, the real proof-code table (SQLite) and the real limiter; the mailer
// is a working fake of our own port that can hang on chosen addresses, like a stuck relay, or the
// real SMTP mailer against a relay on loopback that is down, then back.
import { afterEach, describe, expect, it } from 'vitest';
import { EmailProof, PROOF_BUDGET, PROOF_MAIL_LEASE_MS } from '../../src/adapters/email-proof.ts';
import { SmtpMailer } from '../../src/adapters/mailer.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { FlexibleRateLimits } from '../../src/adapters/rate-limits.ts';
import { PrometheusMetrics } from '../../src/adapters/metrics.ts';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import type { Mail, Mailer } from '../../src/ports/mailer.ts';
import { catalogues, render } from '../../src/i18n/index.ts';
import { makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { startSmtpServer } from '../peers/smtp-server.ts';

class StuckMailer implements Mailer {
  readonly started: Mail[] = [];
  private readonly release: Array<() => void> = [];
  constructor(private readonly stuckFor: string[] = []) {}
  send(mail: Mail): Promise<void> {
    this.started.push(mail);
    if (!this.stuckFor.includes(mail.to)) return Promise.resolve();
    return new Promise((r) => this.release.push(r));
  }
  unstick(): void {
    for (const r of this.release.splice(0)) r();
  }
}

const stores: SqlStore[] = [];
const mailers: StuckMailer[] = [];
afterEach(async () => {
  for (const m of mailers.splice(0)) m.unstick();
  for (const s of stores.splice(0)) await s.close();
});

async function proof(mailer: StuckMailer, deps = makeDeps(), clock = { now: () => Date.now() }) {
  mailers.push(mailer);
  const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
  stores.push(store);
  const log = recordingLogger();
  const metrics = new PrometheusMetrics().counter('helpdesk_identity_proofs_total', 'proofs', ['outcome']);
  return new EmailProof({
    deps,
    codes: new SqlProofCodes(store.db, 'key', clock),
    limits: new FlexibleRateLimits({ kind: 'memory' }, log),
    mailer,
    clock,
    log,
    metrics,
    centre: 'UPPMAX',
    supportEmail: 'support@example.org',
    linkMinutes: 15,
  });
}

const ask = (p: EmailProof, conversationId: string, who: string, origin: string) => p.sendProof({ conversationId, who, lang: 'en', channel: 'web', origin });

describe('the proof-mail queue', () => {
  it.each(['alice', 'no-such-person'])('requests for %s ahead in the queue do not hold up the next one while their mail is stuck', async (target) => {
    const mailer = new StuckMailer(['alice@example.org']);
    const p = await proof(mailer);
    await ask(p, 'web:t1', target, '10.0.0.9');
    await ask(p, 'web:t2', target, '10.0.0.9');
    await ask(p, 'web:own', 'bob', '10.0.0.9');
    // The attacker's own mail starts although the target's (if any) are still stuck at the relay.
    await expect.poll(() => mailer.started.some((m) => m.to === 'bob@example.org'), { timeout: 5000 }).toBe(true);
    expect(mailer.started.filter((m) => m.to === 'alice@example.org')).toHaveLength(target === 'alice' ? 2 : 0);
  });
});

describe('the proof limit per account', () => {
  it("strangers asking for someone's name do not stop the owner getting a code", async () => {
    const mailer = new StuckMailer();
    const p = await proof(mailer);
    for (let i = 0; i < 4; i++) await ask(p, `web:stranger-${i}`, 'alice', '192.0.2.66');
    await p.idle();
    const toAlice = () => mailer.started.filter((m) => m.to === 'alice@example.org').length;
    // The stranger's address gets its share and no more …
    expect(toAlice()).toBe(3);
    // … and the owner, from their own chat and address, still gets a code.
    await ask(p, 'web:owner', 'alice', '198.51.100.7');
    await p.idle();
    expect(toAlice()).toBe(4);
  });
});

describe("the owner's budget is the owner's", () => {
  it.each([
    ['the address they proved from before', '198.51.100.7'],
    ['their Discord identity', 'discord:4242'],
  ])("12 addresses asking 3 times each: the owner gets at most the strangers' budget, and still a code from %s (%s)", async (_what, ownPlace) => {
    const mailer = new StuckMailer();
    const p = await proof(mailer);
    const subject = (key: 'proof_subject' | 'held_back_subject') => render(catalogues.en.mail[key], { centre: 'UPPMAX' });
    const toAlice = () => mailer.started.filter((m) => m.to === 'alice@example.org' && m.subject === subject('proof_subject'));
    const heldBack = () => mailer.started.filter((m) => m.to === 'alice@example.org' && m.subject === subject('held_back_subject'));
    const codeOf = (m: Mail | undefined) => (/\b([A-Z0-9]{4})-([A-Z0-9]{4})\b/.exec(m?.text ?? '') ?? []).slice(1).join('');
    // The owner once proved the account from their own place (typed the mailed code there).
    await ask(p, 'web:owner-before', 'alice', ownPlace);
    await p.idle();
    expect(await p.confirm('web:owner-before', codeOf(toAlice().at(-1)))).toMatchObject({ ok: true, user: 'alice' });
    const before = toAlice().length;
    for (let i = 0; i < 12; i++) for (let j = 0; j < 3; j++) await ask(p, `web:stranger-${i}-${j}`, 'alice', `203.0.113.${i}`);
    await p.idle();
    // The owner's first request, from a place not yet theirs, was drawn from the strangers' budget too.
    expect(toAlice().length - before).toBe(PROOF_BUDGET.strangers - 1);
    // The owner is told, once, that strangers' requests are held back (a mail with no code).
    expect(heldBack()).toHaveLength(1);
    expect(codeOf(heldBack()[0])).toBe('');
    // The owner, from their own place, still gets a code, and it works.
    await ask(p, 'web:owner-now', 'alice', ownPlace);
    await p.idle();
    expect(toAlice().length - before).toBe(PROOF_BUDGET.strangers);
    expect(await p.confirm('web:owner-now', codeOf(toAlice().at(-1)))).toMatchObject({ ok: true, user: 'alice' });
    // From a place never used before, the owner is a stranger too: nothing more this hour.
    await ask(p, 'web:owner-elsewhere', 'alice', '192.0.2.200');
    await p.idle();
    expect(toAlice().length - before).toBe(PROOF_BUDGET.strangers);
    expect(heldBack()).toHaveLength(1);
    // The store keeps the places only as keyed hashes.
    expect(JSON.stringify(await stores.at(-1)!.db.all('SELECT requester FROM proof_trust'))).not.toContain(ownPlace);
  });
});

describe('the proof mail waits in the store until the relay takes it', () => {
  it('a name the directory could not look up is looked up again by any replica, and the mail sent once', async () => {
    const mailer = new StuckMailer();
    const deps = makeDeps();
    const directory = deps.accounts as unknown as { down: boolean };
    directory.down = true;
    let skew = 0;
    const p = await proof(mailer, deps, { now: () => Date.now() + skew });
    await ask(p, 'web:directory-down', 'alice', '10.0.0.9');
    await p.idle();
    expect(mailer.started).toHaveLength(0);
    // The request waits in the store; once the directory answers and the grace is over, it is taken up.
    directory.down = false;
    skew = 60_000;
    p.sendWaiting();
    await p.idle();
    p.sendWaiting();
    await p.idle();
    expect(mailer.started.filter((m) => m.to === 'alice@example.org')).toHaveLength(1);
  });

  it('a mail the relay refused is sent once it is back, by one of two replicas, once', async () => {
    const relay = await startSmtpServer();
    await relay.stop();
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    stores.push(store);
    let skew = 0;
    const clock = { now: () => Date.now() + skew };
    const replica = () => {
      const log = recordingLogger();
      return new EmailProof({
        deps: makeDeps(),
        codes: new SqlProofCodes(store.db, 'key', clock),
        limits: new FlexibleRateLimits({ kind: 'memory' }, log),
        mailer: new SmtpMailer(relay.url, 'helpdesk@example.org', 1000),
        clock,
        log,
        metrics: new PrometheusMetrics().counter('helpdesk_identity_proofs_total', 'proofs', ['outcome']),
        centre: 'UPPMAX',
        supportEmail: 'support@example.org',
        linkMinutes: 15,
      });
    };
    const [a, b] = [replica(), replica()];
    await ask(a, 'web:relay-down', 'alice', '10.0.0.9');
    await a.idle();
    await relay.start();
    try {
      // The retry is due a little later; both replicas look for it at the same moment.
      skew = 60_000;
      a.sendWaiting();
      b.sendWaiting();
      await Promise.all([a.idle(), b.idle()]);
      a.sendWaiting();
      b.sendWaiting();
      await Promise.all([a.idle(), b.idle()]);
      const proofs = relay.messages.filter((m) => JSON.stringify(m.to).includes('alice@example.org'));
      expect(proofs).toHaveLength(1);
      // The code in the mail proves the conversation; the row kept no readable copy of it.
      const code = /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/.exec(proofs[0]?.text ?? '')?.[0] as string;
      expect(await store.db.get('SELECT mail FROM proof_codes WHERE conversation = $1', ['web:relay-down'])).toEqual({ mail: null });
      expect(await a.confirm('web:relay-down', code.replace('-', ''))).toMatchObject({ ok: true, user: 'alice' });
    } finally {
      await a.stop();
      await b.stop();
      await relay.stop();
    }
  });
});

describe('a proof mail at a hung relay', () => {
  /** Two replicas on one store, each with its own mailer. */
  async function pair(linkMinutes: number, mailers: [Mailer, Mailer]) {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    stores.push(store);
    const clock = { now: () => Date.now() };
    const replica = (mailer: Mailer) => {
      const log = recordingLogger();
      return new EmailProof({
        deps: makeDeps(),
        codes: new SqlProofCodes(store.db, 'key', clock),
        limits: new FlexibleRateLimits({ kind: 'memory' }, log),
        mailer,
        clock,
        log,
        metrics: new PrometheusMetrics().counter('helpdesk_identity_proofs_total', 'proofs', ['outcome']),
        centre: 'UPPMAX',
        supportEmail: 'support@example.org',
        linkMinutes,
      });
    };
    const row = (conversation: string) =>
      store.db.get<{ mail_due_at: number | null; expires_at: number }>('SELECT mail_due_at, expires_at FROM proof_codes WHERE conversation = $1', [conversation]);
    return { a: replica(mailers[0]), b: replica(mailers[1]), row };
  }

  it.each([15, 1])('is leased for less than its code lives (%i minutes), and a stopping replica hands it back to another at once', async (minutes) => {
    const stuck = new StuckMailer(['alice@example.org']);
    const free = new StuckMailer();
    mailers.push(stuck, free);
    const { a, b, row } = await pair(minutes, [stuck, free]);
    await ask(a, 'web:hung', 'alice', '10.0.0.9');
    await expect.poll(() => stuck.started.length, { timeout: 5000 }).toBe(1);
    const leased = (await row('web:hung'))!;
    expect(Number(leased.mail_due_at) - Date.now()).toBeLessThanOrEqual(PROOF_MAIL_LEASE_MS);
    expect(Number(leased.mail_due_at)).toBeLessThanOrEqual(Number(leased.expires_at));
    expect(PROOF_MAIL_LEASE_MS).toBeLessThan(minutes === 15 ? 15 * 60_000 : Infinity);
    // The other replica does not take a leased mail …
    b.sendWaiting();
    await b.idle();
    expect(free.started).toHaveLength(0);
    // … until the one at the hung relay stops and hands it back.
    await a.stop();
    expect(Number((await row('web:hung'))!.mail_due_at)).toBeLessThanOrEqual(Date.now());
    b.sendWaiting();
    await b.idle();
    expect(free.started.map((m) => m.to)).toEqual(['alice@example.org']);
    expect(free.started[0]?.text).toBe(stuck.started[0]?.text);
    await b.stop();
  });

  it('requests a stopping replica held (its directory silent) are due again at once for another, not after the grace', async () => {
    const directoryDown = makeDeps();
    (directoryDown.accounts as unknown as { down: boolean }).down = true;
    const free = new StuckMailer();
    mailers.push(free);
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    stores.push(store);
    const clock = { now: () => Date.now() };
    const make = (deps: ReturnType<typeof makeDeps>) => {
      const log = recordingLogger();
      return new EmailProof({
        deps,
        codes: new SqlProofCodes(store.db, 'key', clock),
        limits: new FlexibleRateLimits({ kind: 'memory' }, log),
        mailer: free,
        clock,
        log,
        metrics: new PrometheusMetrics().counter('helpdesk_identity_proofs_total', 'proofs', ['outcome']),
        centre: 'UPPMAX',
        supportEmail: 'support@example.org',
        linkMinutes: 15,
      });
    };
    const a = make(directoryDown);
    await ask(a, 'web:first', 'bob', '10.0.0.9');
    await ask(a, 'web:dropped', 'alice', '10.0.0.9');
    await a.stop();
    const b = make(makeDeps());
    b.sendWaiting();
    await b.idle();
    b.sendWaiting();
    await b.idle();
    expect(free.started.map((m) => m.to).sort()).toEqual(['alice@example.org', 'bob@example.org']);
    await b.stop();
  });
});
