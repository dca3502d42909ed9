// A PostgreSQL backend terminated while a transaction holds its connection between two statements
// (the soak's first find: the replica ended on an unhandled 'error' event). The transaction fails,
// the process goes on, and the next statement gets a fresh connection.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
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
