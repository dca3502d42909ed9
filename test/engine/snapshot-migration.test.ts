// A conversation stored by the previous version (snapshot v1, an untyped `vars` bag), saved mid-flow
// by that code (test/fixtures/snapshot-v1-mid-flow.json: alice at "try once more", one wrong code
// typed), is upgraded on read and goes on where it was, on SQLite and on PostgreSQL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDb, type SqlDb } from '../../src/adapters/sql/db.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { ConversationRunner } from '../../src/engine/runner.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import type { Snapshot } from '../../src/engine/snapshot.ts';
import type { Ticket, TicketSink } from '../../src/ports/tickets.ts';
import { flows, understanding, words, replyText } from '../helpers/engine.ts';
import { FakeClock, makeDeps, recordingLogger, SECRETS } from '../helpers/fakes.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';

const v1 = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/snapshot-v1-mid-flow.json'), 'utf8')) as Record<string, unknown>;

const backends: Array<{ name: string; open: () => Promise<{ db: SqlDb; cleanup: () => Promise<void> }> }> = [
  { name: 'SQLite', open: async () => ({ db: SqliteDb.open(tempDataDir()), cleanup: async () => {} }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const iso = isolated();
      return { db: await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() }), cleanup: () => iso.drop() };
    },
  },
];

describe.each(backends)('a v1 snapshot stored mid-flow: $name', ({ open }) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('is upgraded on read (not quarantined) and the conversation goes on at the same step', async () => {
    const { db, cleanup } = await open();
    const store = await SqlStore.open(db);
    cleanups.push(cleanup, () => store.close());
    expect(v1.v).toBe(1);
    // Stored as the old code stored it: the raw v1 JSON.
    await store.save(v1 as unknown as Snapshot, 0);
    const loaded = await store.load(String(v1.id));
    expect(loaded.kind).toBe('found');
    if (loaded.kind !== 'found') return;
    const s = loaded.snapshot;
    expect(s).toMatchObject({ v: 2, status: 'active', flow: 'code_rejected', step: 'code_again', subject: { user: 'alice' } });
    expect(s.tries).toEqual({ 'code_rejected.code_again': 1 });
    expect(s.slots.username?.v).toBe('alice');
    expect(s.codes).toHaveLength(1);
    expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThan(2048);

    const clock = new FakeClock(Number(v1.updatedAt) + 20_000);
    const tickets: Ticket[] = [];
    const sink: TicketSink = { open: async (t) => (tickets.push(t), { reference: `HD-M${tickets.length}` }) };
    const runner = new ConversationRunner({
      flows,
      understanding,
      words,
      checks: createCheckRunner(makeDeps({ clock, settings: { typingDelaySeconds: 0 } }), 2000),
      store,
      tickets: sink,
      clock,
      codeKey: 'k',
      idleMs: 3600_000,
      log: recordingLogger(),
    });
    // The person types the right code at the prompt the old version left them at.
    const r = await runner.turn(String(v1.id), { type: 'text', text: oathtoolCode(SECRETS.alice as string, clock.now()) });
    const text = r.replies.map(replyText).join('\n');
    expect(r.fresh).toBe(false);
    expect(text).toMatch(/That code was right/);
    expect(text).not.toMatch(/starting over/);
    const after = await store.load(String(v1.id));
    expect(after.kind === 'found' && after.snapshot.v).toBe(2);
    const quarantined = await db.all<{ id: string }>('SELECT id FROM quarantine');
    expect(quarantined).toEqual([]);
  });
});
