// The hand-over as the metrics count it (src/app/tickets.ts): a follow-up is counted as a follow-up
// of its ticket, never as a second hand-over, and a turn run again (the same key) counts nothing new.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/app/observability.ts';
import { createTickets } from '../../src/app/tickets.ts';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import type { Ticket } from '../../src/ports/tickets.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { recordingLogger } from '../helpers/fakes.ts';

describe('hand-over counts', () => {
  it('one ticket with two follow-ups, each turn run twice: one hand-over, two follow-ups (one solved)', async () => {
    const dir = tempDataDir();
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', HANDOVER_SINK: 'file', TICKET_DIR: `${dir}/tickets` });
    const store = await SqlStore.open(SqliteDb.open(tempDataDir()));
    const metrics = createMetrics(config, 'test', false);
    const cleanups: Array<() => unknown> = [];
    const part = createTickets(config, { db: store.db, clock: { now: () => Date.now() }, log: recordingLogger(), metrics }, cleanups);
    const base: Ticket = { conversationId: 'web:counted', lang: 'sv', subject: { user: 'alice' }, transcript: ['u: koden fungerar inte'], findings: [], urgent: false, createdAt: new Date(0).toISOString() };
    try {
      const first = await part.handover.open(base, { key: 'turn-1' });
      expect(await part.handover.open(base, { key: 'turn-1' })).toEqual(first);
      const more = { ...base, relatesTo: first.reference, note: 'samma fel igen' };
      const solved = { ...base, relatesTo: first.reference, note: 'nu funkar det', solved: true };
      for (const [t, key] of [[more, 'turn-2'], [more, 'turn-2'], [solved, 'turn-3'], [solved, 'turn-3']] as const) await part.handover.open(t, { key });
      expect(await metrics.value('helpdesk_escalations_total', { urgent: 'false' })).toBe(1);
      expect(await metrics.value('helpdesk_follow_ups_total', { solved: 'false' })).toBe(1);
      expect(await metrics.value('helpdesk_follow_ups_total', { solved: 'true' })).toBe(1);
    } finally {
      for (const c of cleanups.reverse()) await c();
      await store.close();
    }
  });
});
