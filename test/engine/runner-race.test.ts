// Two runners (two replicas) on one PostgreSQL, racing on one conversation: a turn with a side
// effect on one, the phone's clock measurement (which the web page sends by itself) on the other.
// The turn with the effect is made to lose the save race every time, so it always runs again on the
// other's state; its effects must happen once and stay done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlWatches } from '../../src/adapters/sql-watches.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { ConversationRunner, type TurnOptions } from '../../src/engine/runner.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import type { EngineEvent } from '../../src/engine/transition.ts';
import type { ConversationStore } from '../../src/ports/store.ts';
import type { IdentityProof, ProofConfirmation, ProofRequest } from '../../src/ports/identity.ts';
import type { Ticket, TicketSink } from '../../src/ports/tickets.ts';
import { lookupAccount } from '../../src/checks/account.ts';
import { flows, understanding, words, replyText } from '../helpers/engine.ts';
import { makeDeps, recordingLogger } from '../helpers/fakes.ts';
import { DATABASE_URL, isolated } from '../helpers/shared-services.ts';

const ROUNDS = 100;
/** 100 races of several turns each on PostgreSQL: minutes when the machine is busy, not seconds. */
const RACE_TIMEOUT_MS = 300_000;
const iso = isolated();
const deps = makeDeps({ clock: { now: () => Date.now() } as never });

/** A store whose next save waits until `hold` is resolved: the other replica saves first. */
class GatedStore implements ConversationStore {
  hold: Promise<unknown> | undefined;
  /** Told once, when the next load has read the row. */
  onLoad: (() => void) | undefined;
  constructor(readonly inner: SqlStore) {}
  async load(id: string) {
    const loaded = await this.inner.load(id);
    const told = this.onLoad;
    this.onLoad = undefined;
    told?.();
    return loaded;
  }
  async save(...args: Parameters<SqlStore['save']>) {
    const hold = this.hold;
    this.hold = undefined;
    if (hold) await hold;
    return this.inner.save(...args);
  }
  purge(...args: Parameters<SqlStore['purge']>) {
    return this.inner.purge(...args);
  }
  close() {
    return this.inner.close();
  }
}

/** The mailed proof, as our port does it, on the real proof-code table; mails are recorded, not sent. */
class RecordingProof implements IdentityProof {
  readonly mails: Array<{ conversationId: string; code: string }> = [];
  constructor(private readonly codes: SqlProofCodes) {}
  async sendProof(req: ProofRequest): Promise<void> {
    const code = await this.codes.create(req.conversationId, Date.now() + 600_000);
    const found = await lookupAccount(deps, req.who);
    if (found.kind !== 'found' || !found.account.email) return;
    await this.codes.bind(req.conversationId, code, found.account.username, found.account.email);
    this.mails.push({ conversationId: req.conversationId, code });
  }
  confirm(conversationId: string, code: string): Promise<ProofConfirmation> {
    return this.codes.confirm(conversationId, code);
  }
}

class CountingTickets implements TicketSink {
  readonly tickets: Ticket[] = [];
  async open(t: Ticket) {
    this.tickets.push(t);
    return { reference: `HD-R${this.tickets.length}` };
  }
}

interface Replica {
  store: GatedStore;
  runner: ConversationRunner;
  proof: RecordingProof;
  watches: SqlWatches;
  log: ReturnType<typeof recordingLogger>;
}

const replicas: Replica[] = [];
const tickets = new CountingTickets();
const mails = () => replicas.flatMap((r) => r.proof.mails);

async function replica(): Promise<Replica> {
  const db = await PostgresDb.open({ url: DATABASE_URL, schema: iso.schema, log: recordingLogger() });
  const store = new GatedStore(await SqlStore.open(db));
  const proof = new RecordingProof(new SqlProofCodes(db, 'race-key', { now: () => Date.now() }));
  const watches = new SqlWatches(db);
  const log = recordingLogger();
  const runner = new ConversationRunner({
    flows,
    understanding,
    words,
    checks: createCheckRunner(deps, 2000),
    store,
    tickets,
    clock: { now: () => Date.now() },
    codeKey: 'k',
    idleMs: 3600_000,
    log,
    identity: proof,
    watches,
  });
  return { store, runner, proof, watches, log };
}

beforeAll(async () => {
  replicas.push(await replica(), await replica());
});
afterAll(async () => {
  for (const r of replicas) await r.store.close();
  await iso.drop();
});

const web: TurnOptions = { requireProof: true, channel: 'web' };
const say = async (r: Replica, id: string, event: EngineEvent) => (await r.runner.turn(id, event, web)).replies.map(replyText).join('\n');

/**
 * Runs `event` on replica A while replica B takes the phone's clock measurement; A's save waits
 * until B has saved, so A's turn always conflicts and runs again. Returns A's answer.
 */
async function race(id: string, event: EngineEvent): Promise<string> {
  const [a, b] = replicas as [Replica, Replica];
  let release!: () => void;
  a.store.hold = new Promise<void>((r) => (release = r));
  // B starts once A has read the conversation, and A saves only after B has: A's save conflicts.
  const aRead = new Promise<void>((r) => (a.store.onLoad = r));
  const other = aRead.then(() => say(b, id, { type: 'device-clock', offsetMs: 120, errorMs: 40 })).finally(() => release());
  const reruns = () => a.log.lines.filter((l) => /running this one again/.test(l.message) && l.fields?.conversation === id).length;
  const before = reruns();
  const [answer] = await Promise.all([say(a, id, event), other]);
  // The race really happened: A's turn ran again on B's state.
  expect(reruns()).toBeGreaterThan(before);
  return answer;
}

/** A conversation about `user`'s token, proven by the mailed code (without a race). */
async function proven(id: string, user: string): Promise<string> {
  const a = replicas[0] as Replica;
  await say(a, id, { type: 'topic', flow: 'token_not_active' });
  await say(a, id, { type: 'text', text: user });
  const mail = mails().filter((m) => m.conversationId === id).at(-1);
  return say(a, id, { type: 'text', text: mail?.code ?? 'none' });
}

describe('a turn that loses the save race on PostgreSQL has its side effects once', () => {
  it(`the proof code typed on one replica while the other takes a message: proven every time (${ROUNDS} races)`, async () => {
    let lost = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const id = `web:race-code-${i}`;
      const a = replicas[0] as Replica;
      await say(a, id, { type: 'topic', flow: 'token_not_active' });
      await say(a, id, { type: 'text', text: 'bob' });
      const code = mails().find((m) => m.conversationId === id)?.code as string;
      const answer = await race(id, { type: 'text', text: code });
      const end = await a.store.load(id);
      if (/not the code from the mail/.test(answer) || !(end.kind === 'found' && end.snapshot.subject.user === 'bob')) lost++;
    }
    expect({ lost }).toEqual({ lost: 0 });
  }, RACE_TIMEOUT_MS);

  it(`the username that mails a code: one mail, and its code works (${ROUNDS} races)`, async () => {
    let doubled = 0;
    let lost = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const id = `web:race-user-${i}`;
      const a = replicas[0] as Replica;
      await say(a, id, { type: 'topic', flow: 'token_not_active' });
      await race(id, { type: 'text', text: 'bob' });
      const sent = mails().filter((m) => m.conversationId === id);
      if (sent.length > 1) doubled++;
      const answer = await say(a, id, { type: 'text', text: sent[0]?.code ?? 'none' });
      if (!/Shall I tell you here when it is active/.test(answer)) lost++;
    }
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  }, RACE_TIMEOUT_MS);

  it(`the hand-over: one ticket, and the person is told its number (${ROUNDS} races)`, async () => {
    let doubled = 0;
    let lost = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const id = `web:race-ticket-${i}`;
      const a = replicas[0] as Replica;
      await say(a, id, { type: 'topic', flow: 'human' });
      await say(a, id, { type: 'text', text: 'skip' });
      await say(a, id, { type: 'text', text: `I cannot log in, round ${i}` });
      // Nobody known: asked how support can reach them; the answer files the ticket.
      const answer = await race(id, { type: 'text', text: 'here in this chat' });
      const filed = tickets.tickets.filter((t) => t.conversationId === id);
      if (filed.length > 1) doubled++;
      const reference = /HD-R\d+/.exec(answer)?.[0];
      if (filed.length === 0 || !reference) lost++;
    }
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  }, RACE_TIMEOUT_MS);

  it(`the watch: kept once, and the person told it was started (${ROUNDS} races)`, async () => {
    let doubled = 0;
    let lost = 0;
    const a = replicas[0] as Replica;
    for (let i = 0; i < ROUNDS; i++) {
      const id = `web:race-watch-${i}`;
      expect(await proven(id, 'bob')).toMatch(/Shall I tell you here when it is active/);
      const answer = await race(id, { type: 'text', text: 'yes' });
      const kept = (await a.watches.list({ state: 'open' })).filter((w) => w.conversationId === id);
      if (kept.length > 1 || /already/.test(answer)) doubled++;
      if (kept.length === 0 || !/I will tell you here as soon as your token is active/.test(answer)) lost++;
    }
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
  }, RACE_TIMEOUT_MS);
});
