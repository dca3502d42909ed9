// Turns through the runner, with the real SQLite store and fakes of our own ports.
import { newSnapshot, type Snapshot } from '../../src/engine/snapshot.ts';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationRunner } from '../../src/engine/runner.ts';
import { SqliteDb } from '../../src/adapters/sql/db.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { createCheckRunner, type CheckRunner } from '../../src/checks/index.ts';
import type { Ticket, TicketSink } from '../../src/ports/tickets.ts';
import { HelpdeskError } from '../../src/errors.ts';
import { FakeClock, makeDeps, recordingLogger, SECRETS } from '../helpers/fakes.ts';
import { flows, understanding, words, replyText } from '../helpers/engine.ts';
import { oathtoolCode } from '../helpers/oathtool.ts';

class MemoryTickets implements TicketSink {
  tickets: Ticket[] = [];
  fail = false;
  async open(t: Ticket) {
    if (this.fail) throw new Error('sink down');
    this.tickets.push(t);
    return { reference: `HD-T${this.tickets.length}` };
  }
}

async function setup(options: { checks?: CheckRunner; store?: SqlStore } = {}) {
  const clock = new FakeClock();
  const deps = makeDeps({ clock, settings: { typingDelaySeconds: 0 } });
  const store = options.store ?? (await SqlStore.open(SqliteDb.open(':memory:')));
  const tickets = new MemoryTickets();
  const log = recordingLogger();
  const runner = new ConversationRunner({
    flows,
    understanding,
    words,
    checks: options.checks ?? createCheckRunner(deps, 2000),
    store,
    tickets,
    clock,
    codeKey: 'k',
    idleMs: 60 * 60_000,
    log,
  });
  const say = async (text: string, id = 'c1') => (await runner.turn(id, { type: 'text', text })).replies.map(replyText).join('\n');
  return { runner, store, tickets, log, clock, say };
}

describe('conversation runner', () => {
  it('runs a whole "code not accepted" conversation with real codes and hands over with transcript and findings', async () => {
    const { runner, say, tickets, clock, store } = await setup();
    await runner.turn('c1', { type: 'start' });
    expect(await say('my code is not accepted')).toMatch(/username/);
    const afterUser = await say('alice');
    expect(afterUser).toMatch(/account alice exists/);
    expect(afterUser).toMatch(/token is active/);
    // Eight steps old: too old to be the screen of a slow phone without asking (2–6 steps would be).
    const stale = oathtoolCode(SECRETS.alice as string, clock.now() - 8 * 30_000);
    expect(await say(stale)).toMatch(/old one\. Was it a code you noted down earlier/);
    expect(await say('I noted it down yesterday')).toMatch(/first code from the setup never works again/);
    expect(await say('skip')).toMatch(/What time does your phone show/);
    const t = new Date(clock.now() + 94_000).toISOString().slice(11, 19);
    expect(await say(t)).toMatch(/94 s ahead/);
    expect(await say('no')).toMatch(/HD-T1/);
    const ticket = tickets.tickets[0] as Ticket;
    expect(ticket.subject.user).toBe('alice');
    expect(ticket.findings.map((f) => f.code)).toEqual(['account.found', 'token.active', 'code.stale', 'clock.skewed']);
    expect(ticket.transcript.join('\n')).toMatch(/person: alice/);
    expect(ticket.transcript.join('\n')).toMatch(/person: \[code\]/);
    // The code is nowhere: not in the ticket, not in the store.
    expect(JSON.stringify(ticket)).not.toContain(stale);
    const row = (await store.db.get<{ snapshot: string }>('SELECT snapshot FROM conversations'))!;
    expect(row.snapshot).not.toContain(stale);
  });

  it('one error boundary per turn: a failing check gives an apology and the way to a person, and keeps the stored state', async () => {
    const broken: CheckRunner = { run: () => Promise.reject(new HelpdeskError('check.fault', 'boom')) };
    const { runner, say, log, store } = await setup({ checks: broken });
    await runner.turn('c1', { type: 'topic', flow: 'code_rejected' });
    const before = (await store.load('c1')) as { kind: 'found'; snapshot: { step: string } };
    const r = await runner.turn('c1', { type: 'text', text: 'alice' });
    expect(r.replies.map(replyText).join('\n')).toMatch(/something went wrong.*"human"/s);
    expect(r.replies.some((x) => x.kind === 'choices' && x.choices.some((c) => c.id === '_human'))).toBe(true);
    expect(log.lines.find((l) => l.level === 'error')?.fields).toMatchObject({ code: 'check.fault', conversation: 'c1' });
    const after = (await store.load('c1')) as { kind: 'found'; snapshot: { step: string } };
    expect(after.snapshot.step).toBe(before.snapshot.step);
    // "A person" at any prompt hands over at once, with what is known.
    // Nobody known yet (the account never got looked up): how support can reach them first.
    expect(await say('human')).toMatch(/how can the support team reach you/);
    expect(await say('here')).toMatch(/handed this over/);
  });

  it('a ticket sink that fails gives the support form, not a crash', async () => {
    const { runner, tickets, say } = await setup();
    tickets.fail = true;
    await runner.turn('c1', { type: 'topic', flow: 'human' });
    await say('skip');
    await say('I cannot log in');
    expect(await say('here')).toMatch(/could not file a ticket.*support\.example\.org/s);
  });

  it('a code cut by the length limit of the note for staff leaves none of its digits in the ticket', async () => {
    const { runner, tickets, say } = await setup();
    await runner.turn('c1', { type: 'topic', flow: 'human' });
    await say('skip');
    // The code starts three characters before the limit (500): cut first, "481" would be left.
    await say(`${'my login fails again and again '.repeat(16).slice(0, 497)} 481 516 is what the app shows`);
    await say('here');
    expect(tickets.tickets).toHaveLength(1);
    expect(tickets.tickets[0]?.note).toBeDefined();
    expect(tickets.tickets[0]?.note).not.toMatch(/\d/);
    // The transcript's line of it too.
    const line = tickets.tickets[0]?.transcript.find((l) => l.includes('my login fails'));
    expect(line).toBeDefined();
    expect(line).not.toMatch(/\b48\d?\b|\b4\b/);
  });

  it('idle conversations expire and start over', async () => {
    const { runner, clock } = await setup();
    await runner.turn('c1', { type: 'topic', flow: 'code_rejected' });
    clock.advance(61 * 60_000);
    const r = await runner.turn('c1', { type: 'resume' });
    const text = r.replies.map(replyText).join('\n');
    expect(text).toMatch(/idle for a long time/);
    expect(r.snapshot.status).toBe('menu');
  });

  it('a conversation resumes at the same step', async () => {
    const { runner } = await setup();
    await runner.turn('c1', { type: 'topic', flow: 'code_rejected' });
    await runner.turn('c1', { type: 'text', text: 'alice' });
    const r = await runner.turn('c1', { type: 'resume' });
    expect(r.snapshot.step).toBe('code');
    expect(r.replies.map(replyText).join('\n')).toMatch(/Welcome back[\s\S]*code it shows right now/);
  });

  it('turns of one conversation run in order, one at a time', async () => {
    const { runner } = await setup();
    await runner.turn('c1', { type: 'start' });
    const [a, b] = await Promise.all([runner.turn('c1', { type: 'text', text: '2' }), runner.turn('c1', { type: 'text', text: 'alice' })]);
    expect(a.snapshot.flow).toBe('code_rejected');
    expect(b.snapshot.subject.user).toBe('alice');
    expect(b.snapshot.step).toBe('code');
  });

  it('an unreadable stored conversation is set aside, never deleted, and the person starts afresh', async () => {
    const { runner, store, log } = await setup();
    await store.db.run('INSERT INTO conversations (id, snapshot, updated_at) VALUES ($1, $2, $3)', ['c1', '{"v": 99, "garbage": true}', Date.now()]);
    await store.db.run('INSERT INTO conversations (id, snapshot, updated_at) VALUES ($1, $2, $3)', ['c2', 'not json at all', Date.now()]);
    const r = await runner.turn('c1', { type: 'start' });
    expect(r.snapshot.status).toBe('menu');
    await runner.turn('c2', { type: 'start' });
    const kept = await store.db.all<{ id: string; snapshot: string }>('SELECT id, snapshot FROM quarantine ORDER BY id');
    expect(kept).toEqual([
      { id: 'c1', snapshot: '{"v": 99, "garbage": true}' },
      { id: 'c2', snapshot: 'not json at all' },
    ]);
    expect(log.lines.some((l) => l.level === 'warn' && /set aside/.test(l.message))).toBe(true);
  });
});

describe('a turn that cannot be saved', () => {
  it('is answered with a clear line, kept in memory, and saved with the next turn: the hand-over is not lost', async () => {
    const real = await SqlStore.open(SqliteDb.open(':memory:'));
    let full = false;
    // The real store, whose writes fail while the disk is "full" (SQLite's own error text).
    const store = Object.assign(Object.create(real) as SqlStore, {
      save: (s: Parameters<SqlStore['save']>[0], v: number) => (full ? Promise.reject(new Error('SQLITE_FULL: database or disk is full')) : real.save(s, v)),
    });
    const { runner, tickets, say } = await setup({ store });
    await runner.turn('c1', { type: 'topic', flow: 'human' });
    await say('skip');
    await say('I cannot log in since Monday');
    full = true;
    const handed = await say('here in this chat');
    expect(handed).toMatch(/HD-T1/);
    expect(handed).toMatch(/could not store this conversation just now.*will store it with your next message/s);
    const stored = (await real.load('c1')) as { kind: 'found'; snapshot: Snapshot };
    expect(stored.snapshot.slots.ticket).toBeUndefined();
    full = false;
    await say('thanks');
    const after = (await real.load('c1')) as { kind: 'found'; snapshot: Snapshot };
    expect(after.snapshot.slots.ticket?.v).toBe('HD-T1');
    expect(JSON.stringify(after.snapshot.transcript)).toMatch(/I cannot log in since Monday/);
    expect(tickets.tickets).toHaveLength(1);
  });
});

describe('SQLite store', () => {
  it('keeps conversations across a reopen', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), '2fa-store-'));
    const first = await setup({ store: await SqlStore.open(SqliteDb.open(dir)) });
    await first.runner.turn('c1', { type: 'topic', flow: 'need_two_factor' });
    await first.store.close();
    const again = await SqlStore.open(SqliteDb.open(dir));
    const loaded = await again.load('c1');
    expect(loaded.kind === 'found' && loaded.snapshot.step).toBe('ip');
    await again.close();
  });

  it('a DATA_DIR that cannot be used is one clear error', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), '2fa-store-')), 'a-file');
    writeFileSync(file, 'x');
    expect(() => SqliteDb.open(file)).toThrow(/DATA_DIR .*a-file cannot hold the conversation store/);
    try {
      SqliteDb.open(file);
    } catch (err) {
      expect((err as HelpdeskError).code).toBe('store.unavailable');
    }
    if (process.getuid?.() !== 0) {
      const ro = mkdtempSync(path.join(os.tmpdir(), '2fa-ro-'));
      chmodSync(ro, 0o500);
      expect(() => SqliteDb.open(path.join(ro, 'sub'))).toThrow(/DATA_DIR/);
    }
  });

  it('performs each kind of effect by its own handler, and an effect of an unknown kind is a fault, not a ticket', async () => {
    const { runner, tickets } = await setup();
    const perform = (runner as unknown as { perform: (s: Snapshot, e: unknown, o: object) => Promise<unknown> }).perform.bind(runner);
    const s = newSnapshot('c1', 0);
    await expect(perform(s, { type: 'teleport' }, {})).rejects.toMatchObject({ code: 'engine.fault' });
    await expect(perform(s, { type: 'toString' }, {})).rejects.toBeInstanceOf(HelpdeskError);
    expect(tickets.tickets).toHaveLength(0);
    await expect(perform(s, { type: 'escalate', urgent: false, attach: [] }, {})).resolves.toMatchObject({ type: 'escalated', ticket: 'HD-T1' });
  });
});
