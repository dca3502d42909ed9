// One store contract, run against both databases: SQLite in a DATA_DIR (the embedded default) and
// the local PostgreSQL (several replicas). "Two replicas" are two connections to the same store.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDb, type SqlDb } from '../../src/adapters/sql/db.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlWatches } from '../../src/adapters/sql-watches.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { TicketQueue, type TicketDelivery } from '../../src/adapters/ticket-queue.ts';
import { EFFECT_TURN_KEEP_MS, SqlEffectJournal } from '../../src/adapters/sql/effects.ts';
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
import { PURGE_KINDS, type PurgeCounts, type RetentionPolicy } from '../../src/ports/retention.ts';

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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const POLICY: RetentionPolicy = {
  conversations: 30 * DAY,
  silentConversations: HOUR,
  addresses: DAY,
  tickets: 90 * DAY,
  outbox: DAY,
  events: 2 * DAY,
  codes: CODE_FINGERPRINT_MS,
  mailFiles: DAY,
  outcomes: 400 * DAY,
};
const none = (): PurgeCounts => Object.fromEntries(PURGE_KINDS.map((k) => [k, 0])) as PurgeCounts;

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
    expect(rows.map((r) => Number(r.id))).toEqual(a.db.dialect === 'sqlite' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
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

  it('40 saves at once (batched on PostgreSQL): each keeps its own version check, and a refused one fails alone', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const ids = Array.from({ length: 40 }, (_, i) => `web:many-${i}`);
    expect(await Promise.all(ids.map((id) => a.save(newSnapshot(id, Date.now()), 0)))).toEqual(ids.map(() => 1));
    // Replica b moves every third conversation on; a's saves of those are then stale.
    for (const id of ids.filter((_, i) => i % 3 === 0)) await b.save({ ...newSnapshot(id, Date.now()), step: 'b' }, 1);
    const outcomes = await Promise.allSettled([
      ...ids.map((id) => a.save({ ...newSnapshot(id, Date.now()), step: 'a' }, 1)),
      // PostgreSQL's jsonb cannot hold \u0000; SQLite's text can.
      a.save({ ...newSnapshot('web:nul', Date.now()), step: 'a\u0000b' }, 0),
      ...ids.map((id) => a.load(id)),
    ]);
    const saves = outcomes.slice(0, 40);
    expect(saves.map((o) => o.status === 'fulfilled' || (o.reason as HelpdeskError).code)).toEqual(ids.map((_, i) => (i % 3 === 0 ? 'store.conflict' : true)));
    const nul = outcomes[40]!;
    expect(nul.status === 'fulfilled' || (nul.reason as HelpdeskError).code).toBe(a.db.dialect === 'sqlite' ? true : 'store.unavailable');
    for (const [i, id] of ids.entries()) {
      const l = await a.load(id);
      expect(l.kind === 'found' && [l.snapshot.step, l.version]).toEqual(i % 3 === 0 ? ['b', 2] : ['a', 2]);
    }
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
    expect((await store.purge(POLICY, t0 + CODE_FINGERPRINT_MS - 1)).codes).toBe(0);
    expect((await store.purge(POLICY, t0 + CODE_FINGERPRINT_MS + 1)).codes).toBe(1);
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
    expect((await store.purge(POLICY, Date.now()))['silent-conversations']).toBe(1);
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

  it('the inbox takes several events in one write: each new one recorded (codes redacted) and claimable, one seen before told apart', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const t0 = 2_000_000;
    const ev = (n: number) => ({ conversationId: `slack:T:D${n}:U${n}`, event: { type: 'text' as const, text: `code 654321 (${n})` }, to: { team: 'T', user: `U${n}`, channel: `D${n}` } });
    expect(await b.accept('slack:AllB', ev(1), t0)).toBe(true);
    const events = [{ key: 'slack:AllC', payload: ev(0) }, { key: 'slack:AllB', payload: ev(1) }, { key: 'slack:AllA', payload: ev(2) }];
    expect(await a.acceptAll(events, t0)).toEqual([true, false, true]);
    expect(await b.acceptAll([{ key: 'slack:AllA', payload: ev(2) }], t0)).toEqual([false]);
    const claimed = await b.claim('slack:All', 60_000, 30_000, t0 + 120_000);
    expect(claimed.map((c) => c.key).sort()).toEqual(['slack:AllA', 'slack:AllB', 'slack:AllC']);
    expect(claimed.find((c) => c.key === 'slack:AllC')?.payload).toEqual({ ...ev(0), event: { type: 'text', text: 'code [code] (0)' } });
  });

  it('the inbox: accepted once, kept (codes redacted) until done, claimed by one replica under a lease, again when it runs out', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const t0 = 1_000_000;
    const ev = (n: number) => ({ conversationId: `slack:T:D${n}:U${n}`, event: { type: 'text' as const, text: `my code 123456 fails (${n})` }, to: { team: 'T', user: `U${n}`, channel: `D${n}` } });
    expect(await a.accept('slack:InA', ev(0), t0)).toBe(true);
    expect(await b.accept('slack:InA', ev(0), t0)).toBe(false);
    expect(await a.markSeen('slack:InA', t0)).toBe(false);
    expect(await b.wasSeen('slack:InA')).toBe(true);
    expect(await b.wasSeen('slack:InNever')).toBe(false);
    expect(await a.markSeen('slack:InNever', t0)).toBe(true);
    for (let n = 1; n < 20; n++) await (n % 2 ? a : b).accept(`slack:In${n}`, ev(n), t0 + n);
    await a.accept('discord:In0', { event: { type: 'start' }, to: { user: 'x' } }, t0);
    await b.done('slack:In1', t0 + 100);
    // Not yet older than asked: nothing.
    expect(await a.claim('slack:', 60_000, 30_000, t0 + 1_000)).toEqual([]);
    const later = t0 + 120_000;
    const [ca, cb] = await Promise.all([a.claim('slack:', 60_000, 30_000, later, 10), b.claim('slack:', 60_000, 30_000, later, 10)]);
    const keys = [...ca, ...cb].map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['slack:InA', ...Array.from({ length: 19 }, (_, i) => `slack:In${i + 1}`)].filter((k) => k !== 'slack:In1').sort());
    const first = [...ca, ...cb].find((c) => c.key === 'slack:InA');
    expect(first?.payload).toEqual({ ...ev(0), event: { type: 'text', text: 'my code [code] fails (0)' } });
    // Leased: nobody gets them again until the lease runs out; then the ones still not done do.
    expect(await b.claim('slack:', 60_000, 30_000, later + 29_000)).toEqual([]);
    for (const k of keys.filter((k) => k !== 'slack:In2')) await a.done(k, later + 1);
    expect((await b.claim('slack:', 60_000, 30_000, later + 30_000)).map((c) => c.key)).toEqual(['slack:In2']);
    // Done forgets the text.
    const row = await a.db.get<{ payload: string | null }>('SELECT payload FROM seen_events WHERE key = $1', ['slack:InA']);
    expect(row?.payload).toBeNull();
  });

  it('40 events accepted and done at once on two replicas (batched on PostgreSQL): each accepted by one, a refused one fails alone', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const t0 = 2_000_000;
    const ev = (n: number) => ({ conversationId: `slack:T:D${n}:U${n}`, event: { type: 'text' as const, text: `event ${n}` }, to: { team: 'T', user: `U${n}`, channel: `D${n}` } });
    const keys = Array.from({ length: 40 }, (_, n) => `slack:Many${n}`);
    // Every event reaches both replicas at once (a retried delivery), and the first twice on a.
    const accepted = await Promise.all([...keys.map((k, n) => a.accept(k, ev(n), t0)), ...[...keys].reverse().map((k, n) => b.accept(k, ev(39 - n), t0)), a.accept(keys[0]!, ev(0), t0)]);
    for (const [n] of keys.entries()) expect([accepted[n], accepted[79 - n], n === 0 && accepted[80]].filter(Boolean)).toHaveLength(1);
    // A key longer than PostgreSQL's index can hold is refused (SQLite takes it); the others beside it are not.
    const huge = `slack:ManyHuge${randomBytes(6000).toString('hex')}`;
    const more = await Promise.allSettled([...keys.map((k, n) => a.accept(`${k}b`, ev(n), t0)), a.accept(huge, ev(99), t0)]);
    expect(more.map((o) => (o.status === 'fulfilled' ? o.value : 'refused'))).toEqual([...keys.map(() => true), a.db.dialect === 'sqlite' ? true : 'refused']);
    await Promise.all(keys.map((k, n) => (n % 2 ? a : b).done(k, t0 + 1)));
    const rows = await a.db.all<{ done_at: number | null; payload: string | null }>("SELECT done_at, payload FROM seen_events WHERE key LIKE 'slack:Many%' AND key NOT LIKE '%b' AND key NOT LIKE 'slack:ManyHuge%' ORDER BY key");
    expect(rows.map((r) => [Number(r.done_at), r.payload])).toEqual(keys.map(() => [t0 + 1, null]));
    const waiting = (await a.claim('slack:Many', 0, 30_000, t0 + 120_000, 100)).map((c) => c.key).sort();
    expect(waiting).toEqual([...keys.map((k) => `${k}b`), ...(a.db.dialect === 'sqlite' ? [huge] : [])].sort());
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

  it('30 outboxes taken at once on two replicas (batched on PostgreSQL): every reply handed out once, in order', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const ids = Array.from({ length: 30 }, (_, i) => `web:take-${i}`);
    // Every third conversation has nothing waiting; the others 1-3 replies, pushed on either replica.
    for (const [i, id] of ids.entries()) if (i % 3) await (i % 2 ? a : b).push(id, Array.from({ length: i % 4 || 1 }, (_, n) => ({ text: `${id} reply ${n}` })), 1);
    // Each page is polled on both replicas at once (a reload, two tabs), and twice on a.
    const taken = await Promise.all([...ids.map((id) => a.take(id)), ...[...ids].reverse().map((id) => b.take(id)), ...ids.map((id) => a.take(id))]);
    for (const [i, id] of ids.entries()) {
      const got = [taken[i]!, taken[59 - i]!, taken[60 + i]!].filter((t) => t.length);
      expect(got).toEqual(i % 3 ? [Array.from({ length: i % 4 || 1 }, (_, n) => ({ text: `${id} reply ${n}` }))] : []);
    }
    expect(await Promise.all(ids.map((id) => b.take(id)))).toEqual(ids.map(() => []));
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
    const lease = 120_000;
    const claims = await Promise.all([wa.claimNotified(watch.id, 3000, lease), wb.claimNotified(watch.id, 3000, lease), wa.claimNotified(watch.id, 3000, lease)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Claimed and being told: not due for anyone else while the claim is fresh.
    const mine = (ws: Array<{ id: number; conversationId: string }>) => ws.filter((w) => w.conversationId === 'web:w').map((w) => w.id);
    expect(mine(await wb.due(60_000, 10, lease))).toEqual([]);
    await wa.notified(watch.id);
    expect(mine(await wb.list({ state: 'notified' }))).toEqual([watch.id]);
    expect(mine(await wb.due(10 * lease, 10, lease))).toEqual([]);
  });

  it('a watch notice that could not be given is tried again; one whose replica died is taken again after the lease', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const wa = new SqlWatches(a.db);
    const wb = new SqlWatches(b.db);
    const lease = 120_000;
    const { watch } = await wa.add({ user: 'bob', conversationId: 'web:retry', channel: 'web', lang: 'en' }, 1000);
    expect(await wa.claimNotified(watch.id, 2000, lease)).toBe(true);
    // Telling failed (the store or the page away a moment): open again, due at the retry time.
    await wa.release(watch.id, 12_000);
    const mine = (ws: Array<{ id: number; conversationId: string }>) => ws.filter((w) => w.conversationId === 'web:retry').map((w) => w.id);
    expect(mine(await wb.due(11_000, 10, lease))).toEqual([]);
    expect(mine(await wb.due(12_000, 10, lease))).toEqual([watch.id]);
    // Claimed by a replica that dies while telling: nobody else takes it within the lease, one does after it.
    expect(await wb.claimNotified(watch.id, 13_000, lease)).toBe(true);
    expect(await wa.claimNotified(watch.id, 13_000 + lease - 1, lease)).toBe(false);
    expect(mine(await wa.due(13_000 + lease, 10, lease))).toEqual([watch.id]);
    const again = await Promise.all([wa.claimNotified(watch.id, 13_000 + lease, lease), wb.claimNotified(watch.id, 13_000 + lease, lease)]);
    expect(again.filter(Boolean)).toHaveLength(1);
    await wb.notified(watch.id);
    expect((await wa.list({ state: 'notified' })).filter((w) => w.conversationId === 'web:retry').map((w) => w.id)).toEqual([watch.id]);
  });

  it('a failed notice does not reopen a watch when the person has asked anew in the meantime', async () => {
    const store = await open();
    const w = new SqlWatches(store.db);
    const { watch } = await w.add({ user: 'bob', conversationId: 'web:anew', channel: 'web', lang: 'en' }, 1000);
    expect(await w.claimNotified(watch.id, 2000, 120_000)).toBe(true);
    const second = await w.add({ user: 'bob', conversationId: 'web:anew', channel: 'web', lang: 'en' }, 3000);
    expect(second.created).toBe(true);
    await w.release(watch.id, 4000);
    expect((await w.list({ state: 'open' })).filter((x) => x.conversationId === 'web:anew').map((x) => x.id)).toEqual([second.watch.id]);
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

  it('the effect journal: one turn per stored version on every replica, the first answer kept, and keys the ticket queue and proof codes honour', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const [ja, jb] = [new SqlEffectJournal(a.db), new SqlEffectJournal(b.db)];
    const now = Date.now();
    const turns = await Promise.all([ja.turn('web:j', 3, now), jb.turn('web:j', 3, now + 1), ja.turn('web:j', 3, now + 2)]);
    expect(new Set(turns).size).toBe(1);
    const turn = turns[0] as string;
    expect(await ja.turn('web:j', 4, now)).not.toBe(turn);
    // Long after, the same version is a new turn (a conversation begun again).
    expect(await jb.turn('web:j', 3, now + EFFECT_TURN_KEEP_MS + 10)).not.toBe(turn);
    const effect = '1:{"type":"escalate","urgent":false,"attach":["transcript"]}';
    const first = await ja.recall(turns[0] as string, effect);
    expect(first.answer).toBeUndefined();
    expect((await jb.recall(turn, effect)).key).toBe(first.key);
    expect((await jb.recall(turn, `2:${effect.slice(2)}`)).key).not.toBe(first.key);
    await ja.record(turn, effect, { type: 'escalated', ticket: 'HD-AAAAAA' }, now);
    await jb.record(turn, effect, { type: 'escalated', ticket: 'HD-BBBBBB' }, now);
    expect((await jb.recall(turn, effect)).answer).toEqual({ type: 'escalated', ticket: 'HD-AAAAAA' });
    // The typed name behind an effect is not kept, only a hash of it.
    const stored = await a.db.all<{ effect: string }>('SELECT effect FROM effects WHERE turn = $1', [turn]);
    expect(stored.map((r) => r.effect).join()).not.toContain('escalate');

    const clock = { now: () => Date.now() };
    const [qa, qb] = [new TicketQueue(a.db, [], clock, recordingLogger()), new TicketQueue(b.db, [], clock, recordingLogger())];
    const filed = await Promise.all([qa.open(ticket(1), { key: first.key }), qb.open(ticket(1), { key: first.key })]);
    expect(filed[0].reference).toBe(filed[1].reference);
    expect((await qa.open(ticket(1))).reference).not.toBe(filed[0].reference);
    await Promise.all([qa.drain(), qb.drain()]);
    await qa.drain();
    expect(await qa.pendingCount()).toBe(0);

    const [ca, cb] = [new SqlProofCodes(a.db, 'key', clock), new SqlProofCodes(b.db, 'key', clock)];
    const request = { conversationId: 'web:j', who: 'bob', lang: 'en' as const, channel: 'web', key: first.key };
    const made = await ca.createFor('web:j', Date.now() + MINUTE, request);
    expect(made.again).toBeUndefined();
    const again = await cb.createFor('web:j', Date.now() + MINUTE, request);
    expect(again.again).toBe(true);
    expect(await ca.dueMails()).toHaveLength(1);
    // The code mailed first still works; another request (no key, or another key) replaces it.
    await ca.bind('web:j', made.code, 'bob', 'bob@example.org');
    expect((await cb.createFor('web:j', Date.now() + MINUTE, { ...request, key: 'other' })).again).toBeUndefined();
    expect((await ca.confirm('web:j', made.code)).ok).toBe(false);
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

  it('with the clock moved forward, every kind of record is gone after its window, and nothing else', async () => {
    // A store of its own: the purge must see only what this test made.
    const own = make();
    const store = await SqlStore.open(await own.connect());
    try {
      const t0 = Date.parse('2026-03-02T09:00:00Z');
      const db = store.db;
      const spoken = play(newSnapshot('web:kept', t0), t0, { type: 'start' }, { type: 'text', text: 'my code fails, I am at 198.51.100.7' }).snapshot;
      await store.save(
        {
          ...spoken,
          subject: { user: 'dora', ip: '192.0.2.10' },
          codes: [{ h: 'fingerprint', at: t0, off: 0 }],
          findings: [
            { id: 'network', status: 'fail', code: 'network.mismatch', data: { ip: '192.0.2.10', ptr: ['host-10.example.net'], confirmedName: null, twoFactorRequired: true }, at: t0 },
          ],
        },
        0,
      );
      await store.save(play(newSnapshot('web:silent', t0), t0, { type: 'start' }).snapshot, 0);
      await db.run('INSERT INTO quarantine (id, snapshot, reason, at) VALUES ($1, $2, $3, $4)', ['web:q', '{}', 'test', t0]);
      await db.run(`INSERT INTO watches ("user", conversation, channel, lang, created_at, next_check_at, state) VALUES ('dora', 'web:kept', 'web', 'en', $1, $1, 'notified')`, [t0]);
      const body = (ip: string) => JSON.stringify({ ...ticket(1), subject: { user: 'dora', ip }, transcript: [`00:01 person: I am at ${ip}`] });
      await db.run('INSERT INTO tickets (reference, body, created_at, next_attempt_at, delivered_at) VALUES ($1, $2, $3, $3, $3)', ['HD-DONE', body('192.0.2.10'), t0]);
      await db.run("INSERT INTO ticket_deliveries (reference, sink, delivered_at) VALUES ('HD-DONE', 'file', $1)", [t0]);
      await db.run('INSERT INTO tickets (reference, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)', ['HD-WAIT', body('192.0.2.11'), t0]);
      await db.run('INSERT INTO outbox (conversation, body, created_at) VALUES ($1, $2, $3)', ['web:kept', '{}', t0]);
      await store.touch('web:kept', t0);
      await store.markSeen('slack:Ev1', t0);
      await db.run("INSERT INTO links (id, kind, conversation, expires_at) VALUES ('l1', 'clock', 'web:kept', $1)", [t0 + 15 * MINUTE]);
      await db.run("INSERT INTO proof_codes (conversation, subject, hash, expires_at) VALUES ('web:kept', 'dora', 'h', $1)", [t0 + 10 * MINUTE]);

      const step = async (at: number, expected: Partial<PurgeCounts>) => expect(await store.purge(POLICY, at)).toEqual({ ...none(), ...expected });
      await step(t0 + 5 * MINUTE, {});
      await step(t0 + CODE_FINGERPRINT_MS + MINUTE, { codes: 1, proofs: 1 });
      await step(t0 + HOUR + MINUTE, { 'silent-conversations': 1 });
      await step(t0 + DAY - MINUTE, {});
      await step(t0 + DAY + 20 * MINUTE, { addresses: 2, outbox: 1, presence: 1, links: 1 });
      const stripped = await store.load('web:kept');
      expect(stripped.kind).toBe('found');
      if (stripped.kind !== 'found') return;
      expect(stripped.snapshot.subject).toEqual({ user: 'dora' });
      expect(stripped.snapshot.findings[0]!.data).toMatchObject({ ip: '192.0.2.0/24', ptr: [], confirmedName: null });
      expect(JSON.stringify(stripped.snapshot)).not.toMatch(/192\.0\.2\.10|198\.51\.100\.7|host-10/);
      const tickets = await db.all<{ reference: string; body: string }>('SELECT reference, body FROM tickets ORDER BY reference');
      expect(tickets[0]!.body).not.toContain('192.0.2.10');
      expect(tickets[0]!.body).toContain('192.0.2.0/24');
      // Not yet delivered: staff have not seen it, so it keeps the address.
      expect(tickets[1]!.body).toContain('192.0.2.11');
      await step(t0 + 2 * DAY + MINUTE, { events: 1 });
      await step(t0 + 30 * DAY - MINUTE, {});
      await step(t0 + 30 * DAY + MINUTE, { conversations: 1, quarantine: 1, watches: 1 });
      await step(t0 + 90 * DAY + MINUTE, { tickets: 1 });
      expect((await db.all<{ reference: string }>('SELECT reference FROM tickets')).map((r) => r.reference)).toEqual(['HD-WAIT']);
      expect(await db.all('SELECT * FROM ticket_deliveries')).toEqual([]);
      await step(t0 + 900 * DAY, {});
    } finally {
      await store.close();
      await own.cleanup();
    }
  });

  it('purges a backlog larger than one batch, oldest first, and stops at the window', async () => {
    const own = make();
    const store = await SqlStore.open(await own.connect());
    try {
      const t0 = Date.parse('2026-03-02T09:00:00Z');
      const n = 1234;
      await store.db.transaction(async (tx) => {
        for (let i = 0; i < n; i++) {
          const s = play(newSnapshot(`web:b${i}`, t0 + i), t0 + i, { type: 'start' }, { type: 'text', text: 'hello' }).snapshot;
          await tx.run('INSERT INTO conversations (id, snapshot, updated_at, version) VALUES ($1, $2, $3, 1)', [s.id, JSON.stringify(s), t0 + i]);
        }
      });
      const counts = await store.purge(POLICY, t0 + 30 * DAY + 1000);
      expect(counts.conversations).toBe(1000);
      expect(Number((await store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM conversations'))!.n)).toBe(n - 1000);
    } finally {
      await store.close();
      await own.cleanup();
    }
  });
});
