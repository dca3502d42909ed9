// `privacy export` then `privacy forget` for a person with a conversation on every channel, a ticket,
// a watch, a proof code and a mail: the export holds it all (no codes), and after forget nothing in
// DATA_DIR names them — not a row, not a byte in the database, its WAL or free pages. Others' data stays.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createHelpdesk, type Helpdesk } from '../../src/main.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { loadFlowsOrThrow } from '../../src/flows/loader.ts';
import { ROOT, cliInProcess, filesUnder, tempDataDir } from '../helpers/cli.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';
import { sqlOf } from '../helpers/store.ts';

const ALICE = { user: 'alice', email: 'alice.andersson@example.org', slack: 'U0ALICE77', discord: '222333444555666777', ip: '203.0.113.77' };
const BOB = { user: 'bob', email: 'bob.berg@example.org', ip: '198.51.100.23' };


const cli = cliInProcess;

/** Alice on every channel with a ticket, a watch, a proof code and a mail; Bob with a conversation and a ticket. */
async function populate(app: Helpdesk) {
  const turn = (id: string, text: string | null, subject: Record<string, string>, channel: string) =>
    app.runner.turn(id, text === null ? { type: 'start' } : { type: 'text', text }, { channel, subject, lang: 'en' });
  await turn('web:alice-page', null, { ip: ALICE.ip }, 'web');
  await turn('web:alice-page', `I am ${ALICE.user}, my code is not accepted`, { ip: ALICE.ip }, 'web');
  await turn(`slack:T0TEAM:D0DM:${ALICE.slack}`, 'my code does not work', { user: ALICE.user, email: ALICE.email, identity: 'slack-email' }, 'slack');
  await turn(`discord:999888777666555444:${ALICE.discord}`, 'hello, I lost my phone', {}, 'discord');
  await turn(`terminal:${ALICE.user}`, null, { user: ALICE.user, identity: 'terminal' }, 'terminal');
  await turn(`terminal:${ALICE.user}`, '8', { user: ALICE.user, identity: 'terminal' }, 'terminal');
  const filed = await turn(`terminal:${ALICE.user}`, `Please call me, write to ${ALICE.email}`, { user: ALICE.user, identity: 'terminal' }, 'terminal');
  expect(JSON.stringify(filed.replies)).toMatch(/HD-[A-Z0-9]{6}/);
  await app.watches.add({ user: ALICE.user, conversationId: 'web:alice-page', channel: 'web', lang: 'en', email: ALICE.email }, Date.now());
  const proofs = new SqlProofCodes(sqlOf(app), 'test-key', app.clock);
  const code = await proofs.create('web:alice-page', Date.now() + 15 * 60_000);
  await proofs.bind('web:alice-page', code, ALICE.user, ALICE.email);
  await app.mailer.send({ to: ALICE.email, subject: 'Your code', text: `Your code is ${code}` });

  await turn(`terminal:${BOB.user}`, null, { user: BOB.user, identity: 'terminal' }, 'terminal');
  await turn(`terminal:${BOB.user}`, '8', { user: BOB.user, identity: 'terminal' }, 'terminal');
  await turn(`terminal:${BOB.user}`, `Locked out, I am at ${BOB.ip}`, { user: BOB.user, identity: 'terminal' }, 'terminal');
  await turn('web:bob-page', 'my code is not accepted', { ip: BOB.ip, user: BOB.user, email: BOB.email }, 'web');
  // Carol names Alice in her own words: only that line is Alice's, and only her name is erased from it.
  await turn('web:carol-page', `my colleague ${ALICE.user} has the same problem as me`, { ip: '192.0.2.44' }, 'web');
  // Alice's and Bob's hand-overs as cards in a staff channel, Alice's claimed by a staff member.
  await app.staffThreads.opened({ reference: 'HD-ALICE1', conversationId: `slack:T0TEAM:D0DM:${ALICE.slack}`, lang: 'en', place: 'CSTAFF', thread: '1700000000.000100' }, Date.now());
  await app.staffThreads.claim('HD-ALICE1', 'USTAFF01');
  await app.staffThreads.opened({ reference: 'HD-BOB001', conversationId: `terminal:${BOB.user}`, lang: 'en', place: 'CSTAFF', thread: '1700000000.000200' }, Date.now());
  await app.tickets.drain();
  return code;
}

const aliceArgs = ['--user', ALICE.user, '--slack', ALICE.slack, '--discord', ALICE.discord];

function expectExport(out: string, code: string) {
  const doc = JSON.parse(out) as Record<string, unknown[]> & { person: { emails: string[] } };
  expect((doc.conversations as Array<{ id: string }>).map((c) => c.id).sort()).toEqual(
    [`discord:999888777666555444:${ALICE.discord}`, `slack:T0TEAM:D0DM:${ALICE.slack}`, `terminal:${ALICE.user}`, 'web:alice-page'].sort(),
  );
  // The e-mail address was found through her Slack conversation.
  expect(doc.person.emails).toContain(ALICE.email);
  expect(doc.tickets).toHaveLength(1);
  expect(doc.watches).toHaveLength(1);
  expect(doc.proofs).toEqual([expect.objectContaining({ account: ALICE.user, email: ALICE.email })]);
  expect(doc.mentions).toEqual([{ conversation: 'web:carol-page', lines: [`my colleague ${ALICE.user} has the same problem as me`] }]);
  // Her hand-over's card in the staff channel; who took it is the staff member's, not hers.
  expect(doc.staffThreads).toEqual([expect.objectContaining({ reference: 'HD-ALICE1', conversation: `slack:T0TEAM:D0DM:${ALICE.slack}`, claimed: true, closedAt: null })]);
  expect(out).not.toContain('USTAFF01');
  // Each line as the person saw it, in words: the greeting, the menu's prompt, what they wrote.
  const transcripts = Object.fromEntries((doc.conversations as Array<{ id: string; transcript: string[] }>).map((c) => [c.id, c.transcript]));
  const web = transcripts['web:alice-page']!;
  expect(web[0]).toMatch(/^00:00 bot: .*\S/);
  expect(web.some((l) => l.includes(`person: I am ${ALICE.user}, my code is not accepted`))).toBe(true);
  expect(web.join('\n')).toMatch(/username|account/i);
  expect(transcripts['discord:999888777666555444:' + ALICE.discord]!.join('\n')).toMatch(/lost|phone/i);
  const stepRef = new RegExp(`\\b(${[...loadFlowsOrThrow(path.join(ROOT, 'flows')).flows.keys()].join('|')})/[a-z_]+`);
  for (const line of Object.values(transcripts).flat()) {
    expect(line).not.toMatch(/(sys|chk|kb|facts|flow|took|choice):|\{[a-z_.]+\}/);
    expect(line).not.toMatch(stepRef);
  }
  expect(out).not.toContain(code);
  expect(out).not.toMatch(/"hash"|"codes": \[\s*\{/);
  expect(out).not.toMatch(/bob/i);
}

/** Carol's conversation stays, her words too, without Alice's name. */
async function expectCarolRedacted(app: Helpdesk) {
  const carol = await app.store.load('web:carol-page');
  expect(carol.kind === 'found' && carol.snapshot.transcript.filter(([, who]) => who === 'u').map(([, , line]) => line)).toEqual(['my colleague [erased] has the same problem as me']);
}

describe('privacy export and forget on SQLite', () => {
  const dataDir = tempDataDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', TYPING_DELAY_SECONDS: '0', DNS_SERVERS: '127.0.0.1:9', NTP_SERVERS: '' };
  let app: Helpdesk;
  afterAll(() => app?.close());

  it('exports everything about a person, then leaves not a byte of it in DATA_DIR', async () => {
    app = await createHelpdesk(loadConfig(env), { watch: false });
    const code = await populate(app);
    const exported = await cli(['privacy', 'export', ...aliceArgs], env);
    expect(exported.code).toBe(0);
    expectExport(exported.out, code);
    // An audit line, without the person in it.
    expect(exported.err).toMatch(/"code":"privacy.export"/);
    expect(exported.err).not.toMatch(/alice|U0ALICE|222333/i);

    const needles = [ALICE.user, ALICE.email, ALICE.slack, ALICE.discord, ALICE.ip];
    const before = filesUnder(dataDir).filter((f) => needles.some((n) => readFileSync(f).includes(n)));
    expect(before.length).toBeGreaterThan(2);

    const forgot = await cli(['privacy', 'forget', ...aliceArgs, '--yes'], env);
    expect(forgot.code).toBe(0);
    const report = JSON.parse(forgot.out) as { erased: Record<string, number>; deliveredElsewhere: unknown[]; compacted: boolean };
    expect(report.erased).toMatchObject({ conversations: 4, tickets: 1, watches: 1, proofs: 1, mentions: 1, staffThreads: 1 });
    expect(report.erased.files).toBeGreaterThanOrEqual(2);
    expect(report.deliveredElsewhere).toEqual([]);
    expect(report.compacted).toBe(true);
    expect(forgot.err).toMatch(/"code":"privacy.forget"/);
    expect(forgot.err).not.toMatch(/alice|U0ALICE|222333/i);

    // With the helpdesk still running on the same database (its WAL in use): every file, every byte.
    for (const f of filesUnder(dataDir)) {
      const bytes = readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${path.relative(dataDir, f)} still holds ${n}`).toBe(false);
    }
    // Bob's data stays.
    expect((await app.store.load(`terminal:${BOB.user}`)).kind).toBe('found');
    expect((await app.store.load('web:bob-page')).kind).toBe('found');
    await expectCarolRedacted(app);
    const tickets = readdirSync(path.join(dataDir, 'tickets'));
    expect(tickets).toHaveLength(1);
    expect(readFileSync(path.join(dataDir, 'tickets', tickets[0]!), 'utf8')).toContain(BOB.ip);
    const again = JSON.parse((await cli(['privacy', 'export', ...aliceArgs], env)).out) as Record<string, unknown[]>;
    expect([again.conversations, again.tickets, again.watches, again.proofs, again.files, again.staffThreads].map((x) => x?.length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await app.staffThreads.byReference('HD-ALICE1')).toBeUndefined();
    expect(await app.staffThreads.byReference('HD-BOB001')).toBeDefined();
  });

  it('bad input is one line and exit 2', async () => {
    expect((await cli(['privacy', 'export'], env)).err).toMatch(/--user, --slack or --discord: expected at least one way/);
    expect((await cli(['privacy', 'forget', '--slack', 'alice'], env)).err).toMatch(/--slack: expected a Slack user id/);
    expect((await cli(['privacy', 'erase', '--user', 'x'], env)).code).toBe(2);
  });
});

describe('privacy export and forget on PostgreSQL', () => {
  const iso = isolated();
  const env = { ...iso.env, REDIS_URL: '', DATABASE_URL, DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', TYPING_DELAY_SECONDS: '0', DNS_SERVERS: '127.0.0.1:9', NTP_SERVERS: '' };
  let app: Helpdesk;
  afterAll(async () => {
    await app?.close();
    await iso.drop();
  });

  it('exports, then erases every row that names the person, and keeps the others', async () => {
    app = await createHelpdesk(loadConfig(env), { watch: false });
    const code = await populate(app);
    const exported = await cli(['privacy', 'export', ...aliceArgs], env);
    expect(exported.code).toBe(0);
    expectExport(exported.out, code);
    expect((await cli(['privacy', 'forget', ...aliceArgs, '--yes'], env)).code).toBe(0);
    const db = sqlOf(app);
    for (const n of [ALICE.user, ALICE.email, ALICE.slack, ALICE.discord, ALICE.ip]) {
      const like = `%${n}%`;
      expect(await db.all('SELECT id FROM conversations WHERE id LIKE $1 OR snapshot::text LIKE $1', [like])).toEqual([]);
      expect(await db.all('SELECT reference FROM tickets WHERE body LIKE $1', [like])).toEqual([]);
      expect(await db.all('SELECT id FROM watches WHERE "user" LIKE $1 OR email LIKE $1 OR conversation LIKE $1', [like])).toEqual([]);
      expect(await db.all('SELECT conversation FROM proof_codes WHERE subject LIKE $1 OR email LIKE $1 OR conversation LIKE $1', [like])).toEqual([]);
    }
    expect((await db.all('SELECT id FROM conversations ORDER BY id')).map((r) => (r as { id: string }).id)).toEqual([`terminal:${BOB.user}`, 'web:bob-page', 'web:carol-page']);
    expect(await db.all('SELECT reference FROM tickets')).toHaveLength(1);
    expect(await db.all('SELECT reference FROM staff_threads ORDER BY reference')).toEqual([{ reference: 'HD-BOB001' }]);
    await expectCarolRedacted(app);
  });
});

describe('asking the bot about one\'s data', () => {
  it.each([
    ['en', 'delete my data', /copy of everything this helpdesk keeps about you[\s\S]*\/privacy/, /confirm who you are before they send or erase anything[\s\S]*HD-[A-Z0-9]{6}/],
    ['sv', 'radera mina uppgifter', /kopia av allt som den här supporten sparar om dig[\s\S]*\/privacy/, /kontrollerar vem du är innan de skickar eller raderar något[\s\S]*HD-[A-Z0-9]{6}/],
  ] as const)('%s: "%s" tells how and files a ticket for staff', async (lang, text, told, filed) => {
    const env = { DATA_DIR: tempDataDir(), LOG_LEVEL: 'silent', TYPING_DELAY_SECONDS: '0', DNS_SERVERS: '127.0.0.1:9', NTP_SERVERS: '' };
    const app = await createHelpdesk(loadConfig(env), { watch: false });
    try {
      const id = `terminal:${lang}-asker`;
      const greeting = await app.runner.turn(id, { type: 'start' }, { channel: 'terminal', lang });
      expect(JSON.stringify(greeting.replies)).toMatch(/http:\/\/localhost:3000\/privacy/);
      const asked = await app.runner.turn(id, { type: 'text', text }, { channel: 'terminal', lang });
      expect(asked.replies.map((r) => ('text' in r ? r.text : '')).join('\n')).toMatch(told);
      const done = await app.runner.turn(id, { type: 'text', text: 'dave' }, { channel: 'terminal', lang });
      const said = done.replies.map((r) => ('text' in r ? r.text : '')).join('\n');
      expect(said).toMatch(filed);
      const reference = /HD-[A-Z0-9]{6}/.exec(said)![0];
      expect((await app.tickets.get(reference))?.ticket.transcript.join('\n')).toMatch(/My data: see it or have it erased/);
    } finally {
      await app.close();
    }
  });
});
