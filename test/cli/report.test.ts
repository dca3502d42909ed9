// `2fa-helpdesk report` over stores seeded with known outcomes, on SQLite and PostgreSQL (each its own
// schema): the text for people, everything as JSON, the figures as CSV, and bad input as exit 2.
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { openDatabase } from '../../src/adapters/sql/open.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlOutcomes } from '../../src/adapters/sql/outcomes.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import { newSnapshot } from '../../src/engine/snapshot.ts';
import type { ConversationOutcome } from '../../src/ports/outcomes.ts';
import { baseEnv, tempDataDir } from '../helpers/cli.ts';
import { isolated } from '../helpers/shared-services.ts';

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const status = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) }, env);
  return { status, out, err };
}

const HOUR = 3_600_000;

const stores = [
  { name: 'SQLite', env: () => baseEnv({ DATA_DIR: tempDataDir() }), drop: async () => {} },
  (() => {
    const iso = isolated();
    return { name: 'PostgreSQL', env: () => baseEnv({ DATA_DIR: tempDataDir(), DATABASE_URL: iso.env.DATABASE_URL!, DATABASE_SCHEMA: iso.schema }), drop: () => iso.drop() };
  })(),
];

for (const s of stores) {
  describe(`report (${s.name})`, () => {
    const env = s.env();
    afterAll(() => s.drop());

    it('seeded outcomes come back as text, JSON and CSV; a quiet conversation is settled as abandoned first', async () => {
      const config = loadConfig(env);
      const store = await SqlStore.open(await openDatabase(config, createLogger('error')));
      const outcomes = new SqlOutcomes(store.db);
      const now = Date.now();
      const at = now - 2 * HOUR;
      const seed = (n: number, o: Partial<ConversationOutcome>) =>
        outcomes.record({ conversation: `web:${n}`, startedAt: at, channel: 'web', lang: 'en', kind: 'solved', how: 'code', flow: 'code_rejected', step: null, at: at + 90_000, unclear: [], ...o });
      await seed(1, { helpful: true });
      await seed(2, { at: at + 150_000, helpful: false, comment: 'it took, a while' });
      await seed(3, { kind: 'handed', ticket: 'RT-3' });
      await seed(4, { kind: 'solved', how: 'answered', flow: 'no_account', lang: 'sv', at: at + 30_000, unclear: ['vad är en token', 'vad är en token'] });
      await seed(5, { kind: 'abandoned', step: 'code_rejected/clock' });
      // Ended 40 days ago: outside --since 7d.
      await seed(6, { at: now - 40 * 24 * HOUR, startedAt: now - 40 * 24 * HOUR });
      // A conversation that went quiet at the code prompt two hours ago, with no outcome yet.
      const quiet = newSnapshot('web:quiet', at, { lang: 'en' });
      Object.assign(quiet, { status: 'active', flow: 'code_rejected', step: 'code', updatedAt: at, transcript: [[0, 'u', 'my code fails'], [0, 'b', 'code_rejected/code']] });
      await store.save(quiet, 0);
      await store.close();

      const text = await run(['report', '--since', '7d'], env);
      expect(text.status).toBe(0);
      expect(text.out).toMatch(/^code_rejected\s+en\s+5\s+2 40%\s+1 20%\s+0\s+2 40%\s+0\s+2 min\s+50% of 2$/m);
      expect(text.out).toMatch(/^no_account\s+sv\s+1\s+1 100%/m);
      expect(text.out).toMatch(/^\s+1\s+code_rejected\/code$/m);
      expect(text.out).toMatch(/^\s+1\s+code_rejected\/clock$/m);
      expect(text.out).toMatch(/^\s+2\s+sv\s+vad är en token$/m);
      expect(text.out).toMatch(/^Conversations that ended from /);
      expect(text.out).toMatch(/^topic\s+lang\s+conversations\s+solved\s+handed\s+staff solved\s+abandoned\s+out of scope\s+median to solved\s+helped$/m);

      // The headings in Swedish, from the catalogue: asked for, or the centre's STAFF_LANG.
      const sv = await run(['report', '--since', '7d', '--lang', 'sv'], env);
      expect(sv.status).toBe(0);
      expect(sv.out).toMatch(/^Samtal som avslutades från /);
      expect(sv.out).toMatch(/^ämne\s+språk\s+samtal\s+lösta\s+överlämnade\s+lösta av personal\s+avbrutna\s+utanför området\s+mediantid till lösning\s+hjälpte$/m);
      expect(sv.out).toMatch(/^code_rejected\s+en\s+5\s+2 40%\s+1 20%\s+0\s+2 40%\s+0\s+2 min\s+50% av 2$/m);
      expect(sv.out).toMatch(/^alla ämnen\s+sv\s+1\s+1 100%/m);
      expect(sv.out).toMatch(/^Där folk gav upp[^\n]*\n\s+1\s+code_rejected\/(code|clock)$/m);
      expect(sv.out).toMatch(/^\s+nej\s+en\s+code_rejected\s+it took, a while$/m);
      expect(sv.out).not.toMatch(/Conversations that ended|Where people gave up|all topics|Sentences added/);
      const staffSv = await run(['report', '--since', '7d'], { ...env, STAFF_LANG: 'sv' });
      expect(staffSv.out.split('\n').slice(1)).toEqual(sv.out.split('\n').slice(1));
      const asked = await run(['report', '--since', '7d', '--lang', 'en'], { ...env, STAFF_LANG: 'sv' });
      expect(asked.out).toMatch(/^Conversations that ended from /);

      const json = await run(['report', '--since', '7d', '--json'], env);
      const report = JSON.parse(json.out) as { version: number; byTopic: Array<Record<string, unknown>>; abandonedAt: unknown[] };
      expect(report.version).toBe(1);
      expect(report.byTopic.find((f) => f.topic === 'code_rejected')).toMatchObject({ conversations: 5, solved: 2, handed: 1, abandoned: 2, medianSecondsToSolved: 120, helpfulAnswers: 2, helpfulYes: 1 });
      expect(report.abandonedAt).toHaveLength(2);

      const csv = await run(['report', '--since', '7d', '--csv'], env);
      const lines = csv.out.trimEnd().split('\r\n');
      expect(lines[0]).toBe('topic,lang,conversations,solved,solved_confirmed,solved_code,solved_token,solved_answered,handed,handed_solved_by_staff,abandoned,out_of_scope,median_seconds_to_solved,helpful_answers,helpful_yes');
      expect(lines).toContain('code_rejected,en,5,2,0,2,0,0,1,0,2,0,120,2,1');
      expect(lines).toContain('*,sv,1,1,0,0,0,1,0,0,0,0,30,0,0');

      const all = await run(['report', '--since', '2000-01-01', '--json'], env);
      expect((JSON.parse(all.out) as { totals: Array<{ lang: string; conversations: number }> }).totals.find((t) => t.lang === 'en')?.conversations).toBe(6);
    });

    it('bad input is exit 2 with one line', async () => {
      for (const args of [['--since', 'last week'], ['--json', '--csv'], ['--until', 'soon'], ['--lang', 'de']]) {
        const r = await run(['report', ...args], env);
        expect(r.status).toBe(2);
        expect(r.err.trim().split('\n')).toHaveLength(1);
      }
    });

    it("the headings' language is the loaded configuration's STAFF_LANG: a wrong one is refused, not taken as English", async () => {
      const r = await run(['report', '--since', '7d'], { ...env, STAFF_LANG: 'de' });
      expect(r.status).not.toBe(0);
      expect(r.err).toMatch(/STAFF_LANG/);
      expect(r.out).toBe('');
    });
  });
}
