// One store contract, run against both databases: SQLite in a DATA_DIR (the embedded default) and
// the local PostgreSQL (several replicas). "Two replicas" are two connections to the same store.
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDb, type SqlDb } from '../../src/adapters/sql/db.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlWatches } from '../../src/adapters/sql-watches.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { TicketQueue, type TicketDelivery } from '../../src/adapters/ticket-queue.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { CODE_FINGERPRINT_MS } from '../../src/engine/transition.ts';
import { HelpdeskError } from '../../src/errors.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { flows, play, understanding, words } from '../helpers/engine.ts';
import { ConversationRunner } from '../../src/engine/runner.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { makeDeps } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';
import { recordingLogger } from '../helpers/fakes.ts';

interface Backend {
  name: string;
  /** A new connection to this test's store (a replica). */
  connect(): Promise<SqlDb>;
  cleanup(): Promise<void>;
}

const backends: Array<() => Backend> = [
  () => {
    const dir = tempDataDir();
    return { name: 'SQLite', connect: async () => SqliteDb.open(dir), cleanup: async () => {} };
  },
  () => {
    const iso = isolated();
    return { name: 'PostgreSQL', connect: () => PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() }), cleanup: () => iso.drop() };
  },
];

const ticket = (n: number): Ticket => ({
  conversationId: `web:${n}`,
  urgent: false,
  lang: 'en',
  subject: { user: `u${n}` },
  transcript: [],
  findings: [],
  createdAt: new Date().toISOString(),
});

describe.each(backends.map((make) => [make().name, make] as const))('store contract: %s', (_name, make) => {
  const backend = make();
  const opened: SqlStore[] = [];
  const open = async () => {
    const store = await SqlStore.open(await backend.connect());
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
    await backend.cleanup();
  });

  it('migrations apply once when two replicas start at the same moment', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);
    const rows = await a.db.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(rows.map((r) => Number(r.id))).toEqual(a.db.dialect === 'sqlite' ? [1, 2] : [1]);
    // The keys made at start are the same for every replica (cookies signed by one are read by another).
    const keys = await Promise.all([a, b, c].map((s) => s.meta('k', () => Math.random().toString(36))));
    expect(new Set(keys).size).toBe(1);
  });

  it('a save names the version it read; a stale one conflicts instead of overwriting', async () => {
    const store = await open();
    const s0 = newSnapshot('web:v', Date.now());
    expect(await store.save(s0, 0)).toBe(1);
    await expect(store.save(s0, 0)).rejects.toSatisfy((e) => e instanceof HelpdeskError && e.code === 'store.conflict');
    const loaded = await store.load('web:v');
    expect(loaded.kind === 'found' && loaded.version).toBe(1);
    expect(await store.save({ ...s0, step: 'x' }, 1)).toBe(2);
    await expect(store.save({ ...s0, step: 'y' }, 1)).rejects.toThrow(/saved by another turn/);
    const after = await store.load('web:v');
    expect(after.kind === 'found' && after.snapshot.step).toBe('x');
  });

  it('two replicas × 150 read-modify-writes of one conversation, retried on conflict, lose none', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.save({ ...newSnapshot('web:race', Date.now()), tries: { n: 0 } }, 0);
    let conflicts = 0;
    const bump = async (store: SqlStore) => {
      for (;;) {
        const l = await store.load('web:race');
        if (l.kind !== 'found') throw new Error('lost the row');
        try {
          await store.save({ ...l.snapshot, tries: { n: Number(l.snapshot.tries.n) + 1 } }, l.version);
          return;
        } catch (err) {
          if (!(err instanceof HelpdeskError && err.code === 'store.conflict')) throw err;
          conflicts++;
        }
      }
    };
    const worker = async (store: SqlStore) => {
      for (let i = 0; i < 150; i++) await bump(store);
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    const end = await a.load('web:race');
    expect(end.kind === 'found' && end.snapshot.tries.n).toBe(600);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('turns of one conversation on two replicas at the same moment are all kept', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const runner = (store: SqlStore) =>
      new ConversationRunner({
        flows,
        understanding,
        words,
        checks: createCheckRunner(makeDeps(), 2000),
        store,
        tickets: { open: async () => ({ reference: 'HD-TEST01' }) },
        clock: { now: () => Date.now() },
        codeKey: 'k',
        idleMs: 3600_000,
        log: recordingLogger(),
      });
    const [ra, rb] = [runner(a), runner(b)];
    await ra.turn('web:both', { type: 'start' });
    const notes = Array.from({ length: 12 }, (_, i) => `note number ${'abcdefghijkl'[i]}`);
    await Promise.all(notes.map((text, i) => (i % 2 ? ra : rb).turn('web:both', { type: 'text', text })));
    const end = await a.load('web:both');
    const said = end.kind === 'found' ? end.snapshot.transcript.filter(([, who]) => who === 'u').map(([, , text]) => text) : [];
    expect([...said].sort()).toEqual([...notes].sort());
  });

  it('an unreadable row is set aside, never deleted', async () => {
    const store = await open();
    await store.db.run('INSERT INTO conversations (id, snapshot, updated_at) VALUES ($1, $2, $3)', ['web:bad', '{"v": 99, "garbage": true}', Date.now()]);
    expect((await store.load('web:bad')).kind).toBe('quarantined');
    expect((await store.load('web:bad')).kind).toBe('none');
    const kept = await store.db.all<{ id: string; snapshot: string }>('SELECT id, snapshot FROM quarantine WHERE id = $1', ['web:bad']);
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]!.snapshot)).toEqual({ v: 99, garbage: true });
  });

  it('forgets code fingerprints once they cannot matter', async () => {
    const t0 = Date.parse('2026-11-27T12:00:00Z');
    const typed = play(newSnapshot('web:c', t0), t0, { type: 'topic', flow: 'code_rejected' }, { type: 'text', text: 'skip' });
    const withCode = { ...typed.snapshot, codes: [{ h: 'abc', at: t0, off: -2 }] };
    const store = await open();
    await store.save(withCode, 0);
    expect(await store.forgetCodes(t0 - 1)).toBe(0);
    expect(await store.forgetCodes(t0 + 1)).toBe(1);
    const loaded = await store.load('web:c');
    expect(loaded.kind === 'found' && loaded.snapshot.codes).toEqual([]);
    const later = play(withCode, t0 + CODE_FINGERPRINT_MS + 1000, { type: 'text', text: 'menu' });
    expect(later.snapshot.codes).toEqual([]);
  });

  it('sweeps conversations in which nobody wrote anything, and keeps the others', async () => {
    const t0 = Date.now() - 2 * 3600_000;
    const store = await open();
    const silent = play(newSnapshot('web:silent', t0), t0, { type: 'start' }).snapshot;
    const spoken = play(newSnapshot('web:spoken', t0), t0, { type: 'start' }, { type: 'text', text: 'my code does not work' }).snapshot;
    await store.save(silent, 0);
    await store.save(spoken, 0);
    expect(await store.sweepSilent(Date.now() - 3600_000)).toBe(1);
    expect((await store.load('web:silent')).kind).toBe('none');
    expect((await store.load('web:spoken')).kind).toBe('found');
  });

  it('finds the latest conversation about someone for staff', async () => {
    const store = await open();
    await store.save({ ...newSnapshot('slack:T:D1:U1', Date.now() - 1000), subject: { user: 'bob', email: 'bob@example.org' } }, 0);
    await store.save({ ...newSnapshot('slack:T:D2:U1', Date.now()), subject: { user: 'bob' } }, 0);
    await store.save({ ...newSnapshot('web:bob', Date.now() + 5), subject: { user: 'bob' } }, 0);
    expect((await store.latestAbout('slack:', 'bob'))?.id).toBe('slack:T:D2:U1');
    expect((await store.latestAbout('slack:', 'bob@example.org'))?.id).toBe('slack:T:D1:U1');
    expect(await store.latestAbout('slack:', 'nobody')).toBeUndefined();
  });

  it('a platform event id is won by exactly one of two replicas', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const ids = Array.from({ length: 500 }, (_, i) => `slack:Ev${i}`);
    const wins = await Promise.all(ids.flatMap((id) => [a.markSeen(id), b.markSeen(id)]));
    expect(wins.filter(Boolean)).toHaveLength(500);
    for (let i = 0; i < ids.length; i++) expect(Number(wins[2 * i]) + Number(wins[2 * i + 1])).toBe(1);
  });

  it('the outbox hands a reply pushed on one replica to a poll on another, once, and tells it', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const told: string[] = [];
    const heard = new Promise<void>((resolve) =>
      b.onPush((id) => {
        told.push(id);
        resolve();
      }),
    );
    // PostgreSQL: the LISTEN connection is made on first subscribe.
    if (b.db.dialect === 'postgres') await new Promise((r) => setTimeout(r, 300));
    await a.push('web:p', [{ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' }], Date.now());
    await heard;
    expect(told).toEqual(['web:p']);
    const [x, y] = await Promise.all([b.take('web:p'), a.take('web:p')]);
    expect([...x, ...y]).toEqual([
      { kind: 'text', text: 'one' },
      { kind: 'text', text: 'two' },
    ]);
    expect(x.length === 0 || y.length === 0).toBe(true);
    expect(await a.waiting('web:')).toEqual([]);
    await a.touch('web:p', 1000);
    expect(await b.lastSeen('web:p')).toBe(1000);
  });

  it('a page that never comes back keeps only its latest 50 replies', async () => {
    const store = await open();
    for (let i = 0; i < 60; i++) await store.push('web:flood', [{ n: i }], Date.now());
    const kept = (await store.take('web:flood')) as Array<{ n: number }>;
    expect(kept.map((k) => k.n)).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
  });

  it('a watch notifies once however many replicas claim it', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const wa = new SqlWatches(a.db);
    const wb = new SqlWatches(b.db);
    const { watch, created } = await wa.add({ user: 'bob', conversationId: 'web:w', channel: 'web', lang: 'en' }, 1000);
    expect(created).toBe(true);
    expect((await wb.add({ user: 'bob', conversationId: 'web:w', channel: 'web', lang: 'en' }, 2000)).created).toBe(false);
    const claims = await Promise.all([wa.claimNotified(watch.id, 3000), wb.claimNotified(watch.id, 3000), wa.claimNotified(watch.id, 3000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await wb.list({ state: 'notified' })).map((w) => w.id)).toEqual([watch.id]);
  });

  it('a proof code works once, and wrong tries on two replicas add up', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const clock = { now: () => Date.now() };
    const ca = new SqlProofCodes(a.db, 'key', clock);
    const cb = new SqlProofCodes(b.db, 'key', clock);
    const code = await ca.create('web:proof', Date.now() + 60_000);
    await ca.bind('web:proof', code, 'bob', 'bob@example.org');
    const both = await Promise.all([ca.confirm('web:proof', code), cb.confirm('web:proof', code)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    const again = await ca.create('web:proof', Date.now() + 60_000);
    await ca.bind('web:proof', again, 'bob', 'bob@example.org');
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push(await (i % 2 ? ca : cb).confirm('web:proof', 'BBBBBBBB'));
    expect(tries.map((t) => (t.ok ? 'ok' : t.reason))).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
    expect((await ca.confirm('web:proof', again)).ok).toBe(false);
  });

  it('two replicas draining the ticket queue deliver each ticket to each sink once', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const delivered: string[] = [];
    const sink: TicketDelivery = {
      name: 'inbox',
      async deliver(reference) {
        await new Promise((r) => setTimeout(r, 2));
        delivered.push(reference);
      },
    };
    const clock = { now: () => Date.now() };
    const qa = new TicketQueue(a.db, [sink], clock, recordingLogger());
    const qb = new TicketQueue(b.db, [sink], clock, recordingLogger());
    const refs: string[] = [];
    // Filed while nothing drains (no timer), then drained by both at once.
    for (let i = 0; i < 40; i++) refs.push((await (i % 2 ? qa : qb).open(ticket(i))).reference);
    await Promise.all([qa.drain(), qb.drain(), qa.drain(), qb.drain()]);
    await Promise.all([qa.drain(), qb.drain()]);
    expect([...delivered].sort()).toEqual([...refs].sort());
    expect(await qa.pendingCount()).toBe(0);
  });
});
