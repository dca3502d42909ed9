// The retention settings as configuration, and the housekeeping pass that applies them: the store's
// purge with the policy built from RETENTION_*, the bot's own files past their window, and a count
// per kind in helpdesk_rows_purged_total.
import { mkdirSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config.ts';
import { Housekeeping, PURGED_METRIC, retentionPolicy } from '../../src/app/housekeeping.ts';
import { PrometheusMetrics } from '../../src/adapters/metrics.ts';
import { PURGE_KINDS, type PurgeCounts, type RetentionPolicy } from '../../src/ports/retention.ts';
import { FakeClock, recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';

const DAY = 86_400_000;

describe('retention settings', () => {
  it('defaults a DPO would accept, durations in m, h or d', () => {
    const p = retentionPolicy(loadConfig({}));
    expect(p).toMatchObject({ conversations: 30 * DAY, silentConversations: 3_600_000, addresses: DAY, tickets: 90 * DAY, outbox: DAY, events: 2 * DAY, mailFiles: DAY, codes: 600_000 });
    expect(retentionPolicy(loadConfig({ RETENTION_CONVERSATIONS: '90m', RETENTION_ADDRESSES: '2h' }))).toMatchObject({ conversations: 90 * 60_000, addresses: 2 * 3_600_000 });
  });

  it('a bad value is one line naming the key and the rule', () => {
    const r = parseConfig({ RETENTION_TICKETS: '3 months', RETENTION_EVENTS: '5m' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.stringMatching(/^RETENTION_TICKETS: expected a duration like 30d, 24h or 90m \(days, hours, minutes\), at least 1d \(got "3 months"\)$/),
      expect.stringMatching(/^RETENTION_EVENTS: expected .* at least 1h/),
    ]);
  });
});

describe('housekeeping', () => {
  it('purges the store with the policy, removes old files of the bot, and counts each kind', async () => {
    const clock = new FakeClock(Date.parse('2026-06-01T12:00:00Z'));
    const policy: RetentionPolicy = retentionPolicy(loadConfig({}));
    const asked: Array<[RetentionPolicy, number]> = [];
    const store = {
      async purge(p: RetentionPolicy, now: number): Promise<PurgeCounts> {
        asked.push([p, now]);
        return { ...(Object.fromEntries(PURGE_KINDS.map((k) => [k, 0])) as PurgeCounts), conversations: 3, addresses: 2 };
      },
    };
    const dir = tempDataDir();
    const mailDir = path.join(dir, 'mail');
    const ticketDir = path.join(dir, 'tickets');
    mkdirSync(mailDir);
    mkdirSync(ticketDir);
    const file = (d: string, name: string, ageMs: number) => {
      writeFileSync(path.join(d, name), 'x');
      const t = (clock.now() - ageMs) / 1000;
      utimesSync(path.join(d, name), t, t);
    };
    file(mailDir, 'old.eml', DAY + 60_000);
    file(mailDir, 'new.eml', DAY - 60_000);
    file(ticketDir, 'HD-OLD.json', 90 * DAY + 60_000);
    file(ticketDir, 'HD-NEW.json', 89 * DAY);
    const metrics = new PrometheusMetrics().counter(PURGED_METRIC, 'purged', ['kind']);
    const log = recordingLogger();
    const h = new Housekeeping({ store, policy, clock, log, metrics, mailDir, ticketDir });
    const counts = await h.runOnce();
    expect(asked).toEqual([[policy, clock.now()]]);
    expect(counts).toMatchObject({ conversations: 3, addresses: 2, 'mail-files': 1, 'ticket-files': 1, tickets: 0 });
    expect(readdirSync(mailDir)).toEqual(['new.eml']);
    expect(readdirSync(ticketDir)).toEqual(['HD-NEW.json']);
    expect(await metrics.value(PURGED_METRIC, { kind: 'conversations' })).toBe(3);
    expect(await metrics.value(PURGED_METRIC, { kind: 'mail-files' })).toBe(1);
    expect(await metrics.value(PURGED_METRIC, { kind: 'tickets' })).toBe(0);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining({ code: 'housekeeping.purged', conversations: 3 }) })]);
  });
});
