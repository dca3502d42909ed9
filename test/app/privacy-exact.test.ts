// `privacy forget` is exact: Dave and Erin share a web page (Dave proved himself there, Erin chatted
// on it), Erin's own conversation and ticket say "my colleague dave has the same problem", and Dave
// has a conversation and a ticket of his own. Forgetting Dave removes his own (store and files, the
// same set), his proof, his limits and cached answers in Redis, and replaces his name and address by
// [erased] in Erin's records, which keep everything else. Checked on SQLite (every byte of DATA_DIR)
// and on PostgreSQL with Redis (pg_dump of the schema, every Redis key and value). A dry run lists
// what would go and changes nothing; without a terminal and --yes nothing happens.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { privacyCommand } from '../../src/app/privacy.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { recordingLogger } from '../helpers/fakes.ts';
import { cliInProcess, filesUnder, tempDataDir } from '../helpers/cli.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';
import { sqlOf } from '../helpers/store.ts';

const DAVE = { user: 'dave', email: 'dave@example.org' };
const ERIN = { user: 'erin', email: 'erin@example.org' };
const SAID = 'my colleague dave has the same problem, write to dave@example.org';


const cli = cliInProcess;

/** The two of them; returns the references of Dave's and Erin's tickets. */
async function populate(app: Helpdesk): Promise<{ dave: string; erin: string }> {
  const turn = (id: string, text: string | null, subject: Record<string, string>, channel: string) =>
    app.runner.turn(id, text === null ? { type: 'start' } : { type: 'text', text }, { channel, subject, lang: 'en' });
  const handOver = async (who: typeof DAVE, text: string) => {
    const id = `terminal:${who.user}`;
    const subject = { user: who.user, identity: 'terminal' };
    await turn(id, null, subject, 'terminal');
    await turn(id, '8', subject, 'terminal');
    const filed = await turn(id, text, subject, 'terminal');
    return /HD-[A-Z0-9]{6}/.exec(JSON.stringify(filed.replies))![0];
  };
  // The shared page: Dave proved who he is on it, then Erin used it.
  const proofs = new SqlProofCodes(sqlOf(app), 'test-key', app.clock);
  const code = await proofs.create('web:lab-pc', Date.now() + 15 * 60_000);
  await proofs.bind('web:lab-pc', code, DAVE.user, DAVE.email);
  await app.mailer.send({ to: DAVE.email, subject: 'Your code', text: `Your code is ${code}` });
  await turn('web:lab-pc', null, { ip: '192.0.2.50' }, 'web');
  await turn('web:lab-pc', `I am erin and ${SAID}`, { ip: '192.0.2.50', user: ERIN.user, email: ERIN.email }, 'web');
  const dave = await handOver(DAVE, 'Please call me, nothing works');
  const erin = await handOver(ERIN, SAID);
  // A pass that started with the first ticket may have missed the second: drain until none is left.
  while ((await app.tickets.drain()) > 0);
  return { dave, erin };
}

/** Erin's records after Dave is forgotten: all there, her words kept, Dave's name and address gone. */
async function expectErinKept(app: Helpdesk, refs: { dave: string; erin: string }) {
  const page = await app.store.load('web:lab-pc');
  expect(page.kind).toBe('found');
  const lines = page.kind === 'found' ? page.snapshot.transcript.filter(([, who]) => who === 'u').map(([, , l]) => l) : [];
  expect(lines).toContain('I am erin and my colleague [erased] has the same problem, write to [erased]');
  expect(page.kind === 'found' && page.snapshot.subject).toMatchObject({ user: ERIN.user, email: ERIN.email });
  const own = await app.store.load(`terminal:${ERIN.user}`);
  expect(own.kind).toBe('found');
  const ticket = await app.tickets.get(refs.erin);
  expect(ticket?.ticket.subject.user).toBe(ERIN.user);
  expect(JSON.stringify(ticket?.ticket)).toContain('my colleague [erased] has the same problem, write to [erased]');
  expect(ticket?.ticket.note).toMatch(/\[erased\]/);
  expect(await app.tickets.get(refs.dave)).toBeUndefined();
}

const daveArgs = ['--user', DAVE.user];

describe('forget on SQLite: exact, asked for, and tried first', () => {
  const dataDir = tempDataDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', TYPING_DELAY_SECONDS: '0', DNS_SERVERS: '127.0.0.1:9', NTP_SERVERS: '' };
  let app: Helpdesk;
  afterAll(() => app?.close());

  it('refuses without a terminal or --yes, lists what would go with --dry-run, asks on a terminal, then erases only Dave', async () => {
    app = await createHelpdesk(loadConfig(env), { watch: false });
    const refs = await populate(app);
    const ticketFiles = () => readdirSync(path.join(dataDir, 'tickets')).sort();
    expect(ticketFiles()).toEqual([`${refs.dave}.json`, `${refs.erin}.json`].sort());

    const refused = await cli(['privacy', 'forget', ...daveArgs], env);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/no terminal to confirm on: add --yes, or --dry-run/);

    const dry = await cli(['privacy', 'forget', ...daveArgs, '--dry-run'], env);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.out) as { dryRun: boolean; wouldErase: { conversations: string[]; tickets: string[]; files: string[]; redacted: { conversations: string[]; tickets: string[]; files: string[] } } };
    expect(plan.dryRun).toBe(true);
    expect(plan.wouldErase.conversations).toEqual([`terminal:${DAVE.user}`]);
    expect(plan.wouldErase.tickets).toEqual([refs.dave]);
    expect(plan.wouldErase.files.map((f) => path.basename(f))).toContain(`${refs.dave}.json`);
    expect(plan.wouldErase.files.map((f) => path.basename(f))).not.toContain(`${refs.erin}.json`);
    expect(plan.wouldErase.redacted.conversations.sort()).toEqual(['terminal:erin', 'web:lab-pc']);
    expect(plan.wouldErase.redacted.tickets).toEqual([refs.erin]);
    expect(plan.wouldErase.redacted.files.map((f) => path.basename(f))).toEqual([`${refs.erin}.json`]);

    // Export agrees with forget about what is Dave's.
    const exported = JSON.parse((await cli(['privacy', 'export', ...daveArgs], env)).out) as { conversations: Array<{ id: string }>; tickets: Array<{ reference: string }>; files: string[]; mentions: Array<{ conversation?: string; ticket?: string; lines: string[] }> };
    expect(exported.conversations.map((c) => c.id)).toEqual(plan.wouldErase.conversations);
    expect(exported.tickets.map((t) => t.reference)).toEqual(plan.wouldErase.tickets);
    expect(exported.files).toEqual(plan.wouldErase.files);
    expect(exported.mentions.map((m) => m.conversation ?? m.ticket).sort()).toEqual([...plan.wouldErase.redacted.conversations, ...plan.wouldErase.redacted.tickets].sort());
    expect(JSON.stringify(exported.mentions)).not.toMatch(/nothing works/);

    // Nothing changed so far.
    expect((await app.store.load(`terminal:${DAVE.user}`)).kind).toBe('found');
    expect(ticketFiles()).toHaveLength(2);

    // On a terminal: the question, with the counts; "no" erases nothing.
    const audit = recordingLogger();
    const asked: string[] = [];
    const io = (answer: boolean) => ({ out: () => {}, err: () => {}, confirm: async (q: string) => (asked.push(q), answer) });
    expect(await privacyCommand(['forget', ...daveArgs], io(false), loadConfig(env), audit)).toBe(1);
    expect(asked[0]).toMatch(/^1 conversations, 1 tickets, 0 watches, 0 links, 1 proofs, 2 files, 0 limits and 0 cached answers would be erased; 4 records of others/);
    expect((await app.store.load(`terminal:${DAVE.user}`)).kind).toBe('found');

    let out = '';
    expect(await privacyCommand(['forget', ...daveArgs], { ...io(true), out: (s) => (out += s) }, loadConfig(env), audit)).toBe(0);
    const report = JSON.parse(out) as { erased: Record<string, number>; compacted: boolean };
    expect(report.erased).toMatchObject({ conversations: 1, tickets: 1, proofs: 1, files: 2, filesRedacted: 1, mentions: 3 });
    expect(report.compacted).toBe(true);

    // Not a byte of Dave in DATA_DIR: database, WAL, ticket files, mailbox.
    for (const f of filesUnder(dataDir)) {
      const bytes = readFileSync(f).toString('latin1').toLowerCase();
      expect(bytes.includes(DAVE.user), `${path.relative(dataDir, f)} still holds dave`).toBe(false);
    }
    await expectErinKept(app, refs);
    expect(ticketFiles()).toEqual([`${refs.erin}.json`]);
    expect(readFileSync(path.join(dataDir, 'tickets', `${refs.erin}.json`), 'utf8')).toContain('my colleague [erased] has the same problem');
  });
});

describe('forget on PostgreSQL with Redis', () => {
  const iso = isolated();
  const dataDir = tempDataDir();
  const env = { ...iso.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', TYPING_DELAY_SECONDS: '0', DNS_SERVERS: '127.0.0.1:9', NTP_SERVERS: '' };
  let app: Helpdesk;
  const redis = new Redis(iso.env.REDIS_URL!);
  afterAll(async () => {
    await app?.close();
    redis.disconnect();
    await iso.drop();
  });

  /** Every Redis key of this deployment with its value (strings and hashes). */
  async function redisDump(): Promise<string> {
    const keys = await redis.keys(`${iso.prefix}*`);
    const parts: string[] = [];
    for (const k of keys) {
      const type = await redis.type(k);
      parts.push(k, type === 'string' ? ((await redis.get(k)) ?? '') : type === 'hash' ? JSON.stringify(await redis.hgetall(k)) : '');
    }
    return parts.join('\n');
  }

  const pgDump = () => execFileSync('pg_dump', ['--dbname', DATABASE_URL, '--schema', iso.schema, '--data-only'], { encoding: 'utf8' });

  it('removes Dave from the store, the files and Redis, counts each place, and keeps Erin', async () => {
    app = await createHelpdesk(loadConfig(env), { watch: false });
    const refs = await populate(app);
    // Dave's proof limits and cached account (with his address), and Erin's.
    for (const [name, key] of [['proof-account', DAVE.user], ['proof-account-from', `${DAVE.user}|web:lab-pc`], ['code-checks', DAVE.user], ['proof-account', ERIN.user]] as const) {
      await app.limits.limiter(name, 20, 3_600_000).allow(key);
    }
    expect((await app.backends.accounts.getAccount(DAVE.user)).ok).toBe(true);
    expect((await app.backends.accounts.findAccountsByEmail(DAVE.email)).ok).toBe(true);
    expect((await app.backends.accounts.getAccount(ERIN.user)).ok).toBe(true);
    expect((await redisDump()).toLowerCase()).toContain(DAVE.email);
    expect(pgDump()).toContain(DAVE.email);

    const dry = JSON.parse((await cli(['privacy', 'forget', ...daveArgs, '--dry-run'], env)).out) as { erased: Record<string, number>; wouldErase: { redis: string[] } };
    expect(dry.erased).toMatchObject({ conversations: 1, tickets: 1, proofs: 1, limits: 3, caches: 2 });
    expect(dry.wouldErase.redis.every((k) => k.startsWith(iso.prefix))).toBe(true);

    const forgot = await cli(['privacy', 'forget', ...daveArgs, '--yes'], env);
    expect(forgot.code).toBe(0);
    const report = JSON.parse(forgot.out) as { erased: Record<string, number> };
    expect(report.erased).toMatchObject({ conversations: 1, tickets: 1, proofs: 1, limits: 3, caches: 2, files: 2, filesRedacted: 1, mentions: 3 });
    expect(forgot.err).toMatch(/"code":"privacy.forget"/);
    expect(forgot.err.toLowerCase()).not.toContain(DAVE.user);

    const dump = pgDump().toLowerCase();
    expect(dump).not.toContain(DAVE.user);
    expect(dump).toContain(ERIN.email);
    const keys = (await redisDump()).toLowerCase();
    expect(keys).not.toContain(DAVE.user);
    expect(keys).toContain(`rl:proof-account:${ERIN.user}`);
    expect(keys).toContain(`/v1/accounts/${ERIN.user}`);
    for (const f of filesUnder(dataDir)) expect(readFileSync(f, 'latin1').toLowerCase().includes(DAVE.user), f).toBe(false);
    await expectErinKept(app, refs);
  });
});
