// The purge on PostgreSQL next to a turn: a conversation a turn holds (its row locked in a transaction)
// is skipped, not waited for, and the rest of the backlog goes; the next purge takes what was skipped.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RetentionPolicy } from '../../src/ports/retention.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';

const DAY = 86_400_000;
const POLICY: RetentionPolicy = { conversations: 30 * DAY, silentConversations: 3_600_000, addresses: DAY, tickets: 90 * DAY, outbox: DAY, events: 2 * DAY, codes: 600_000, mailFiles: DAY, outcomes: 400 * DAY };

describe('the purge on PostgreSQL', () => {
  const iso = isolated();
  const holder = new pg.Client({ connectionString: DATABASE_URL });
  let store: SqlStore;
  afterAll(async () => {
    await holder.end().catch(() => undefined);
    await store?.close();
    await iso.drop();
  });

  it('skips a conversation a turn holds instead of waiting for it, and takes it next time', async () => {
    store = await SqlStore.open(await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: silentLogger }));
    const t0 = Date.parse('2026-03-02T09:00:00Z');
    const n = 450;
    for (let i = 0; i < n; i++) {
      const s = newSnapshot(`web:old${i}`, t0 + i);
      s.transcript = [[0, 'u', 'hello']];
      await store.save(s, 0);
    }
    await holder.connect();
    await holder.query('BEGIN');
    // The oldest one and one in the second batch, as a turn's save holds a row until it commits.
    await holder.query(`SELECT id FROM "${iso.schema}".conversations WHERE id IN ('web:old0', 'web:old250') FOR UPDATE`);

    const first = await store.purge(POLICY, t0 + 31 * DAY);
    expect(first.conversations).toBe(n - 2);
    const left = await store.db.all<{ id: string }>('SELECT id FROM conversations ORDER BY id');
    expect(left.map((r) => r.id)).toEqual(['web:old0', 'web:old250']);

    await holder.query('ROLLBACK');
    expect((await store.purge(POLICY, t0 + 31 * DAY)).conversations).toBe(2);
  });
});
