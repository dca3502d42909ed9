// The ticket queue when writing down a delivery fails once (a terminated backend under the insert,
// as in the soak): the sink took the ticket, so it must not be sent again. Real SQLite store; the
// database is wrapped to fail that one insert as a lost connection does.
import { describe, expect, it } from 'vitest';
import { SqliteDb, type SqlDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { TicketQueue, type TicketDelivery } from '../../src/adapters/ticket-queue.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';

const ticket: Ticket = { conversationId: 'web:t', lang: 'en', subject: {}, transcript: ['u: help'], findings: [], urgent: false, createdAt: new Date(0).toISOString() };

describe('a delivery the store could not write down at first', () => {
  it('is written down on a second try, and the sink gets the ticket once', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    let failNext = true;
    const flaky: SqlDb = Object.create(store.db, {
      run: {
        value: async (sql: string, params?: unknown[]) => {
          if (failNext && sql.startsWith('INSERT INTO ticket_deliveries')) {
            failNext = false;
            throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          }
          return store.db.run(sql, params);
        },
      },
    }) as SqlDb;
    const sent: string[] = [];
    const sink: TicketDelivery = { name: 'mail', deliver: async (reference) => void sent.push(reference) };
    const log = recordingLogger();
    const queue = new TicketQueue(flaky, [sink], { now: () => Date.now() }, log);
    try {
      const { reference } = await queue.open(ticket);
      await queue.drain();
      await queue.drain();
      expect(sent).toEqual([reference]);
      expect((await queue.get(reference))?.deliveredAt).not.toBeNull();
      expect(log.lines.some((l) => l.message === 'ticket delivery could not be recorded; trying again')).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('a sink that keeps refusing', () => {
  it('is tried again after 1 s, 2 s, 4 s … doubling, and never later than the 5 min cap', async () => {
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    let now = 1_000_000;
    const sink: TicketDelivery = {
      name: 'mail',
      deliver: async () => {
        throw new Error('relay down');
      },
    };
    const queue = new TicketQueue(store.db, [sink], { now: () => now }, recordingLogger());
    try {
      const { reference } = await queue.open(ticket);
      const waits: number[] = [];
      for (let i = 0; i < 11; i++) {
        await queue.drain();
        const row = await store.db.get<{ next_attempt_at: number }>('SELECT next_attempt_at FROM tickets WHERE reference = $1', [reference]);
        waits.push(Number(row!.next_attempt_at) - now);
        now = Number(row!.next_attempt_at);
      }
      expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
      expect((await queue.get(reference))?.attempts).toBe(11);
    } finally {
      await store.close();
    }
  });
});

describe.each(['SQLite', 'PostgreSQL'])('a replica stopping while its sink hangs (%s)', (name) => {
  it('hands the ticket back: another replica delivers it at once, and the stop does not wait for the sink', async () => {
    const iso = isolated();
    const dir = tempDataDir();
    const open = async () => SqlStore.open(name === 'SQLite' ? SqliteDb.open(dir) : await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() }));
    const [a, b] = [await open(), await open()];
    const hung: string[] = [];
    const delivered: string[] = [];
    const hanging: TicketDelivery = { name: 'mail', deliver: (reference) => (hung.push(reference), new Promise(() => {})) };
    const working: TicketDelivery = { name: 'mail', deliver: async (reference) => void delivered.push(reference) };
    const clock = { now: () => Date.now() };
    const qa = new TicketQueue(a.db, [hanging], clock, recordingLogger());
    const qb = new TicketQueue(b.db, [working], clock, recordingLogger());
    try {
      const { reference } = await qa.open(ticket);
      await expect.poll(() => hung, { timeout: 10_000 }).toEqual([reference]);
      // While A holds it, B does not take it.
      await qb.drain();
      expect(delivered).toEqual([]);
      await qa.stop();
      await qb.drain();
      expect(delivered).toEqual([reference]);
      expect((await qb.get(reference))?.attempts).toBe(1);
    } finally {
      await qb.stop();
      await a.close();
      await b.close();
      await iso.drop();
    }
  });
});
