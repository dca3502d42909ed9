// One replica's conversation pieces on the shared PostgreSQL, as `serve` wires them: the runner with
// its effect journal, the ticket queue, the proof mails (queue and code table) and the watches. The
// mail relay is a mailer of our own port that hands each mail to the caller; a save can be held
// (the turn's effects done, its state not yet stored), so a test can kill the replica right there.
// Run as a script, it is a replica in a process of its own: one JSON turn a line on stdin, its mails
// and `held <id>` on stdout, until it is killed.
import { createInterface } from 'node:readline';
import { PostgresDb } from '../../src/adapters/sql/postgres.ts';
import { SqlStore } from '../../src/adapters/sql/store.ts';
import { SqlEffectJournal } from '../../src/adapters/sql/effects.ts';
import { SqlWatches } from '../../src/adapters/sql-watches.ts';
import { SqlProofCodes } from '../../src/adapters/proof-codes.ts';
import { EmailProof } from '../../src/adapters/email-proof.ts';
import { TicketQueue } from '../../src/adapters/ticket-queue.ts';
import { createCheckRunner } from '../../src/checks/index.ts';
import { ConversationRunner, type TurnOptions } from '../../src/engine/runner.ts';
import type { Snapshot } from '../../src/engine/snapshot.ts';
import type { EngineEvent } from '../../src/engine/transition.ts';
import { noMetrics } from '../../src/ports/metrics.ts';
import type { Mail, Mailer } from '../../src/ports/mailer.ts';
import type { RateLimits } from '../../src/ports/limits.ts';
import type { ConversationStore } from '../../src/ports/store.ts';
import { flows, understanding, words } from './engine.ts';
import { makeDeps, recordingLogger } from './fakes.ts';

export const WEB: TurnOptions = { requireProof: true, channel: 'web' };
const clock = { now: () => Date.now() };
/** The limits on proof mails are tested apart; here every request may mail. */
const unlimited: RateLimits = { limiter: () => ({ allow: async () => true }) };

/** The conversation store, with a hook that runs before each save (and may never return). */
class HookedStore implements ConversationStore<Snapshot> {
  constructor(
    private readonly inner: SqlStore,
    private readonly beforeSave: (id: string) => Promise<void>,
  ) {}
  load(id: string) {
    return this.inner.load(id);
  }
  async save(snapshot: Snapshot, version: number) {
    await this.beforeSave(snapshot.id);
    return this.inner.save(snapshot, version);
  }
  purge(...args: Parameters<SqlStore['purge']>) {
    return this.inner.purge(...args);
  }
  close() {
    return this.inner.close();
  }
}

export interface TurnReplica {
  runner: ConversationRunner;
  proof: EmailProof;
  tickets: TicketQueue;
  watches: SqlWatches;
  store: SqlStore;
  close(): Promise<void>;
}

export async function turnReplica(o: { url: string; schema: string; send: (mail: Mail) => void; beforeSave?: (id: string, replica: TurnReplica) => Promise<void> }): Promise<TurnReplica> {
  const log = recordingLogger();
  const db = await PostgresDb.open({ url: o.url, schema: o.schema, log });
  const store = await SqlStore.open(db);
  const deps = makeDeps({ clock: clock as never });
  const mailer: Mailer = { send: async (mail) => o.send(mail) };
  const proof = new EmailProof({
    deps,
    codes: new SqlProofCodes(db, 'kill-key', clock),
    limits: unlimited,
    mailer,
    clock,
    log,
    metrics: noMetrics,
    centre: 'UPPMAX',
    supportEmail: 'support@example.org',
    linkMinutes: 15,
  });
  const tickets = new TicketQueue(db, [], clock, log);
  const watches = new SqlWatches(db);
  const replica: TurnReplica = {
    runner: undefined as unknown as ConversationRunner,
    proof,
    tickets,
    watches,
    store,
    async close() {
      await proof.stop();
      await store.close();
    },
  };
  const hook = o.beforeSave;
  replica.runner = new ConversationRunner({
    flows,
    understanding,
    words,
    checks: createCheckRunner(deps, 2000),
    store: hook ? new HookedStore(store, (id) => hook(id, replica)) : store,
    tickets,
    clock,
    codeKey: 'k',
    idleMs: 3600_000,
    log,
    identity: proof,
    watches,
    effects: new SqlEffectJournal(db),
  });
  return replica;
}

/** The replica as a process: every turn's save is held forever once its mails are out. */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  await turnReplica({
    url: process.env.KILL_DATABASE_URL as string,
    schema: process.env.KILL_SCHEMA as string,
    send: (mail) => say(`mail ${JSON.stringify(mail)}`),
    beforeSave: async (id, replica) => {
      await replica.proof.idle();
      say(`held ${id}`);
      await new Promise(() => {});
    },
  }).then((replica) => {
    say('ready');
    createInterface({ input: process.stdin }).on('line', (line) => {
      const { id, event } = JSON.parse(line) as { id: string; event: EngineEvent };
      void replica.runner.turn(id, event, WEB);
    });
  });
}

if (process.env.KILL_SCHEMA && process.argv[1]?.endsWith('turn-replica.ts')) void main();
