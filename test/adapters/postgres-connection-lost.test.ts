// PostgreSQL connections lost mid-work (backends terminated, as the soak does): a transaction
// holding one between two statements (the soak's first find: the replica ended on an unhandled
// 'error' event), and the store's reads and saves, whose outcome the row itself tells.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import type { SqlDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';
import { recordingLogger } from '../helpers/fakes.ts';

const iso = isolated();
afterAll(() => iso.drop());

it('a backend terminated mid-transaction fails that transaction only', async () => {
  const db = await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() });
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    const failed = db.transaction(async (tx) => {
      const me = await tx.get<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [me?.pid]);
      // The socket's error arrives while no statement runs on it.
      await new Promise((r) => setTimeout(r, 300));
      return tx.get('SELECT 1 AS one');
    });
    await expect(failed).rejects.toThrow();
    expect(await db.get<{ one: number }>('SELECT 1 AS one')).toEqual({ one: 1 });
  } finally {
    await admin.end();
    await db.close();
  }
});

/** The real database, but the statements `lose` picks lose their connection: before they run, or after they committed. */
function losing(db: PostgresDb, lose: (sql: string) => 'before' | 'after' | undefined): SqlDb {
  const lost = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
  const wrap = <T>(sql: string, run: () => Promise<T>) => {
    const when = lose(sql);
    if (when === 'before') return Promise.reject(lost());
    return when === 'after' ? run().then(() => Promise.reject(lost())) : run();
  };
  return {
    dialect: 'postgres',
    all: (sql, params) => wrap(sql, () => db.all(sql, params)),
    get: (sql, params) => wrap(sql, () => db.get(sql, params)),
    run: (sql, params) => wrap(sql, () => db.run(sql, params)),
    transaction: (work) => db.transaction(work),
    publish: (c, p) => db.publish(c, p),
    subscribe: (c, l) => db.subscribe(c, l),
    close: () => db.close(),
  };
}

it('a save whose connection is lost after it committed is found saved, one lost before is saved again, a read is read again', async () => {
  const db = await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() });
  const plan: Array<'before' | 'after' | undefined> = [];
  const store = await SqlStore.open(losing(db, (sql) => (/^(UPDATE|INSERT) INTO conversations|^UPDATE conversations|^SELECT snapshot, version/.test(sql) ? plan.shift() : undefined)));
  try {
    const s = newSnapshot('web:lost', Date.now());
    plan.push('after');
    expect(await store.save(s, 0)).toBe(1);
    plan.push('before');
    expect(await store.save({ ...s, step: 'a' }, 1)).toBe(2);
    plan.push('after');
    expect(await store.save({ ...s, step: 'b' }, 2)).toBe(3);
    plan.push('before');
    const l = await store.load('web:lost');
    expect(l.kind === 'found' && [l.snapshot.step, l.version]).toEqual(['b', 3]);
    // Lost, and another turn has saved since: the row holds neither ours nor the version read, so it
    // cannot be told whether ours landed; unavailable, as before (never saved twice).
    await db.run("UPDATE conversations SET version = version + 1 WHERE id = 'web:lost'");
    plan.push('before');
    await expect(store.save({ ...s, step: 'c' }, 3)).rejects.toMatchObject({ code: 'store.unavailable' });
    const end = await store.load('web:lost');
    expect(end.kind === 'found' && [end.snapshot.step, end.version]).toEqual(['b', 4]);
    expect(plan).toEqual([]);
  } finally {
    await store.close();
  }
});
