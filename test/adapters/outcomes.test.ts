// Conversation outcomes on both databases: recorded once when a turn runs twice, conversations that
// end each way (solved, handed over, abandoned, out of scope) through the real runner and engine,
// "Did this help?", and the report's figures over a store seeded with known outcomes.
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDb, type SqlDb } from '../../src/adapters/sql/db.ts';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlOutcomes } from '../../src/adapters/sql/outcomes.ts';
import { SqlPersonalData } from '../../src/adapters/sql/personal-data.ts';
import { channelPeople } from '../../src/app/privacy.ts';
import { ConversationRunner } from '../../src/engine/runner.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { newSnapshot, type Snapshot } from '../../src/engine/snapshot.ts';
import type { ConversationStore } from '../../src/ports/store.ts';
import type { ConversationOutcome } from '../../src/ports/outcomes.ts';
import { flows, understanding, words } from '../helpers/engine.ts';
import { makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { tempDataDir } from '../helpers/cli.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';

const MINUTE = 60_000;
const IDLE = 60 * MINUTE;
const T0 = Date.parse('2026-12-01T09:00:00Z');

interface Backend {
  name: string;
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

interface Row {
  conversation: string;
  kind: string;
  how: string | null;
  topic: string | null;
  step: string | null;
  helpful: number | null;
  comment: string | null;
  ticket: string | null;
}

for (const make of backends) {
  const backend = make();
  describe(`conversation outcomes (${backend.name})`, () => {
    const dbs: SqlDb[] = [];
    afterAll(async () => {
      for (const db of dbs) await db.close();
      await backend.cleanup();
    });
    const clock = { t: T0, now: () => clock.t };
    const open = async () => {
      const db = await backend.connect();
      dbs.push(db);
      return { db, store: await SqlStore.open(db), outcomes: new SqlOutcomes(db) };
    };
    const runner = (store: ConversationStore<Snapshot>, outcomes: SqlOutcomes) =>
      new ConversationRunner({
        flows,
        understanding,
        words,
        checks: createCheckRunner(makeDeps(), 2000),
        store,
        tickets: { open: async () => ({ reference: 'HD-OUT1' }) },
        clock,
        codeKey: 'k',
        idleMs: IDLE,
        log: recordingLogger(),
        outcomes,
      });
    const rows = (db: SqlDb, id: string) =>
      db.all<Row>('SELECT conversation, kind, how, topic, step, helpful, comment, ticket FROM outcomes WHERE conversation = $1', [id]);
    const talk = async (r: ConversationRunner, id: string, ...texts: string[]) => {
      for (const text of texts) {
        clock.t += MINUTE;
        await r.turn(id, { type: 'text', text });
      }
    };

    it('is recorded once when the turn that ends the conversation runs twice (another replica saved first)', async () => {
      const a = await open();
      const b = await open();
      const rb = runner(b.store, b.outcomes);
      let raced = false;
      // Replica A's save waits while replica B runs the same ending turn and saves: A's save then
      // conflicts, and A runs the turn again on what B saved.
      const racing: ConversationStore<Snapshot> = {
        load: (id) => a.store.load(id),
        close: () => a.store.close(),
        purge: (p, now) => a.store.purge(p, now),
        save: async (s, version) => {
          if (!raced && s.outcome) {
            raced = true;
            await rb.turn(s.id, { type: 'text', text: 'no' });
          }
          return a.store.save(s, version);
        },
      };
      const ra = runner(racing, a.outcomes);
      await talk(ra, 'web:race', 'I have no account');
      clock.t += MINUTE;
      const result = await ra.turn('web:race', { type: 'text', text: 'no' });
      expect(raced).toBe(true);
      expect(result.saved).toBe(true);
      expect(await rows(a.db, 'web:race')).toEqual([expect.objectContaining({ kind: 'solved', how: 'answered', topic: 'no_account' })]);
      // Recorded again by anyone (a second replica, the quiet-conversation settling), nothing changes.
      const again: ConversationOutcome = { conversation: 'web:race', startedAt: result.snapshot.startedAt, channel: 'web', lang: 'en', kind: 'abandoned', flow: null, step: null, at: clock.t, unclear: ['x'] };
      expect(await a.outcomes.record(again)).toBe(false);
      expect(await rows(a.db, 'web:race')).toEqual([expect.objectContaining({ kind: 'solved' })]);
    });

    it('a topic answered to its end, with 👍 and a sentence: solved, helpful, the sentence redacted', async () => {
      const { db, store, outcomes } = await open();
      const r = runner(store, outcomes);
      await talk(r, 'web:thumbs', 'I have no account', 'no', '👍', 'the SUPR part was what I missed, code 123456');
      expect(await rows(db, 'web:thumbs')).toEqual([
        expect.objectContaining({ kind: 'solved', how: 'answered', helpful: 1, comment: 'the SUPR part was what I missed, code [code]' }),
      ]);
      // Nothing more is asked or kept: a second sentence is a message like any other.
      await talk(r, 'web:thumbs', 'also the app was fine');
      expect((await rows(db, 'web:thumbs'))[0]?.comment).toBe('the SUPR part was what I missed, code [code]');
    });

    it('a hand-over is recorded with its ticket, and "Did this help?" is not asked', async () => {
      const { db, store, outcomes } = await open();
      const r = runner(store, outcomes);
      await talk(r, 'web:handed', "my code doesn't work", 'I want to talk to a real person', 'my username is alice and nothing works');
      expect(await rows(db, 'web:handed')).toEqual([expect.objectContaining({ kind: 'handed', topic: 'code_rejected', ticket: 'HD-OUT1', helpful: null })]);
    });

    it('quiet conversations are settled: abandoned at the last step reached, out of scope, a silent page nothing', async () => {
      const { db, store, outcomes } = await open();
      const r = runner(store, outcomes);
      await talk(r, 'web:gave-up', "my code doesn't work, my username is alice");
      await talk(r, 'web:password', 'how do I reset my password?');
      // A question answered from the centre's page at the menu, and nothing more.
      const question = newSnapshot('web:question', clock.t, { lang: 'en' });
      Object.assign(question, { transcript: [[0, 'u', 'which app do I use?'], [0, 'b', 'kb:which_app'], [0, 'b', 'sys:knowledge_offer']] });
      await store.save(question, 0);
      await r.turn('web:silent', { type: 'start' });
      expect(await outcomes.settleQuiet(clock.t - IDLE)).toEqual([]);
      clock.t += IDLE + MINUTE;
      const settled = await outcomes.settleQuiet(clock.t - IDLE);
      expect(settled.map((o) => o.conversation).sort()).toEqual(['web:gave-up', 'web:password', 'web:question']);
      // Answered without a person.
      expect(await rows(db, 'web:question')).toEqual([expect.objectContaining({ kind: 'solved', how: 'answered', topic: null })]);
      expect(await rows(db, 'web:gave-up')).toEqual([expect.objectContaining({ kind: 'abandoned', topic: 'code_rejected', step: 'code_rejected/code' })]);
      expect(await rows(db, 'web:password')).toEqual([expect.objectContaining({ kind: 'out_of_scope', topic: null })]);
      expect(await rows(db, 'web:silent')).toEqual([]);
      expect(await outcomes.settleQuiet(clock.t - IDLE)).toEqual([]);
    });

    it('a conversation taken up again after it went quiet: the old one is recorded as abandoned, the new one starts afresh', async () => {
      const { db, store, outcomes } = await open();
      const r = runner(store, outcomes);
      await talk(r, 'terminal:erin', 'my phone was stolen');
      clock.t += IDLE + MINUTE;
      await talk(r, 'terminal:erin', 'I have no account');
      expect(await rows(db, 'terminal:erin')).toEqual([expect.objectContaining({ kind: 'abandoned', topic: 'lost_device' })]);
      await talk(r, 'terminal:erin', 'no');
      expect((await rows(db, 'terminal:erin')).map((x) => x.kind).sort()).toEqual(['abandoned', 'solved']);
    });

    it('privacy export lists the outcomes of the person\'s conversations, and forget erases them, those of purged conversations too', async () => {
      const { db, store, outcomes } = await open();
      const r = runner(store, outcomes);
      await talk(r, 'terminal:frank', 'I have no account', 'no', '👍', 'the SUPR part was what I missed');
      // An earlier conversation of theirs, purged since: its outcome and what was not understood remain.
      await outcomes.record({ conversation: 'terminal:frank', startedAt: T0 - 90 * 86_400_000, channel: 'terminal', lang: 'en', kind: 'abandoned', flow: null, step: null, at: T0 - 90 * 86_400_000, unclear: ['frank here, help'] });
      await outcomes.record({ conversation: 'terminal:grace', startedAt: T0, channel: 'terminal', lang: 'en', kind: 'abandoned', flow: null, step: null, at: T0, unclear: ['hm'] });
      const data = new SqlPersonalData(db, channelPeople());
      const frank = { users: ['frank'], emails: [], ids: {}, conversations: [] };
      const found = await data.find(await data.widen(frank));
      expect(found.outcomes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ conversation: 'terminal:frank', kind: 'solved', comment: 'the SUPR part was what I missed' }),
          expect.objectContaining({ conversation: 'terminal:frank', kind: 'abandoned', notUnderstood: ['frank here, help'] }),
        ]),
      );
      const counts = await data.erase(await data.plan(await data.widen(frank)));
      expect(counts.outcomes).toBe(2);
      expect(await rows(db, 'terminal:frank')).toEqual([]);
      expect(await db.all("SELECT text FROM outcome_unclear WHERE conversation = 'terminal:frank'")).toEqual([]);
      expect(await rows(db, 'terminal:grace')).toHaveLength(1);
    });

    it('the report: figures per topic and language, medians, feedback share, where people gave up, what was not understood', async () => {
      const { outcomes } = await open();
      const since = Date.parse('2026-11-01T00:00:00Z');
      const at = since + 86_400_000;
      const seed = (n: number, o: Partial<ConversationOutcome>) =>
        outcomes.record({ conversation: `seed:${n}`, startedAt: at, channel: 'web', lang: 'en', kind: 'solved', flow: 'code_rejected', step: null, at: at + 60_000, unclear: [], ...o });
      await seed(1, { how: 'code', at: at + 60_000, helpful: true });
      await seed(2, { how: 'confirmed', at: at + 120_000, helpful: true, comment: 'quick, thanks' });
      await seed(3, { how: 'answered', at: at + 300_000, helpful: false, unclear: ['what is a  TOTP', 'banana'], comment: 'from 192.0.2.77 it failed' });
      await seed(4, { kind: 'handed', ticket: 'RT-4' });
      await seed(5, { kind: 'handed', ticket: 'RT-5' });
      await seed(6, { kind: 'abandoned', step: 'code_rejected/code', unclear: ['What is a TOTP'] });
      await seed(7, { kind: 'abandoned', step: 'code_rejected/code' });
      await seed(8, { kind: 'abandoned', step: 'code_rejected/clock' });
      await seed(9, { kind: 'out_of_scope', flow: null, lang: 'sv', unclear: ['vad kostar lunchen'] });
      await seed(10, { kind: 'solved', how: 'token', flow: 'token_not_active', lang: 'sv', at: at + 600_000 });
      // Before the report's window: not counted.
      await seed(11, { kind: 'abandoned', at: since - 1, step: 'code_rejected/code' });
      await outcomes.staffState('seed:4', at, 'resolved', at);
      await outcomes.staffState('seed:5', at, undefined, at);

      const report = await outcomes.report(since, since + 30 * 86_400_000);
      const code = report.byTopic.find((f) => f.topic === 'code_rejected' && f.lang === 'en');
      expect(code).toEqual({
        topic: 'code_rejected',
        lang: 'en',
        conversations: 8,
        solved: 3,
        solvedHow: { confirmed: 1, code: 1, token: 0, answered: 1 },
        handed: 2,
        handedSolvedByStaff: 1,
        abandoned: 3,
        outOfScope: 0,
        medianSecondsToSolved: 120,
        helpfulAnswers: 3,
        helpfulYes: 2,
      });
      expect(report.byTopic.find((f) => f.topic === null)).toMatchObject({ lang: 'sv', conversations: 1, outOfScope: 1, medianSecondsToSolved: null });
      expect(report.totals.find((f) => f.lang === 'sv')).toMatchObject({ conversations: 2, solved: 1, outOfScope: 1, medianSecondsToSolved: 600 });
      expect(report.totals.find((f) => f.lang === 'en')).toMatchObject({ conversations: 8, solved: 3 });
      expect(report.abandonedAt).toEqual([
        { topic: 'code_rejected', step: 'code_rejected/code', count: 2 },
        { topic: 'code_rejected', step: 'code_rejected/clock', count: 1 },
      ]);
      expect(report.notUnderstood).toEqual([
        { text: 'what is a totp', lang: 'en', count: 2 },
        { text: 'banana', lang: 'en', count: 1 },
        { text: 'vad kostar lunchen', lang: 'sv', count: 1 },
      ]);
      // Addresses are cut to their network, as in transcripts past RETENTION_ADDRESSES.
      expect(report.comments).toEqual([
        { topic: 'code_rejected', lang: 'en', helpful: false, text: 'from 192.0.2.0/24 it failed' },
        { topic: 'code_rejected', lang: 'en', helpful: true, text: 'quick, thanks' },
      ]);
      // Handed-over tickets staff have not marked are asked about again; the one marked is not.
      expect((await outcomes.handedOpen(since, 10)).map((h) => h.ticket).filter((t) => t.startsWith('RT-'))).toEqual(['RT-5']);
    });
  });
}
