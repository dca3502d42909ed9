// The store's tables, as numbered migrations a new version applies by itself at start. Each is
// applied once: on PostgreSQL under an advisory lock in one transaction, so replicas starting at
// once wait for each other and the second finds the work done; on SQLite in one IMMEDIATE transaction.
import type { Dialect, SqlDb } from './db.ts';

interface Migration {
  id: number;
  name: string;
  apply(db: SqlDb): Promise<void>;
}

const exec = (statements: string[]) => async (db: SqlDb) => {
  for (const s of statements) await db.run(s);
};

const SQLITE: Migration[] = [
  {
    // What versions before migrations created (IF NOT EXISTS: an old DATA_DIR keeps its rows).
    id: 1,
    name: 'conversations, events, links, proof codes, tickets, watches',
    apply: async (db) => {
      await exec([
        'CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL, updated_at INTEGER NOT NULL)',
        'CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated_at)',
        'CREATE TABLE IF NOT EXISTS quarantine (id TEXT NOT NULL, snapshot TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL)',
        'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
        'CREATE TABLE IF NOT EXISTS seen_events (key TEXT PRIMARY KEY, at INTEGER NOT NULL)',
        `CREATE TABLE IF NOT EXISTS links (id TEXT PRIMARY KEY, kind TEXT NOT NULL, conversation TEXT NOT NULL,
          subject TEXT, expires_at INTEGER NOT NULL, used_at INTEGER)`,
        `CREATE TABLE IF NOT EXISTS proof_codes (conversation TEXT PRIMARY KEY, subject TEXT NOT NULL, hash TEXT NOT NULL,
          expires_at INTEGER NOT NULL, tries INTEGER NOT NULL DEFAULT 0, email TEXT)`,
        `CREATE TABLE IF NOT EXISTS tickets (reference TEXT PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT)`,
        `CREATE TABLE IF NOT EXISTS ticket_deliveries (reference TEXT NOT NULL, sink TEXT NOT NULL, delivered_at INTEGER NOT NULL,
          PRIMARY KEY (reference, sink))`,
        `CREATE TABLE IF NOT EXISTS watches (id INTEGER PRIMARY KEY AUTOINCREMENT, "user" TEXT NOT NULL, conversation TEXT NOT NULL,
          channel TEXT NOT NULL, lang TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL, next_check_at INTEGER NOT NULL,
          state TEXT NOT NULL, overdue_ticket TEXT, notified_at INTEGER)`,
        `CREATE UNIQUE INDEX IF NOT EXISTS watches_open ON watches("user", conversation) WHERE state = 'open'`,
        'CREATE INDEX IF NOT EXISTS watches_due ON watches(state, next_check_at)',
      ])(db);
      // A proof_codes table made before the e-mail was kept gains the column.
      const columns = await db.all<{ name: string }>("SELECT name FROM pragma_table_info('proof_codes')");
      if (!columns.some((c) => c.name === 'email')) await db.run('ALTER TABLE proof_codes ADD COLUMN email TEXT');
    },
  },
  {
    id: 2,
    name: 'conversation versions, web outbox and presence',
    apply: exec([
      'ALTER TABLE conversations ADD COLUMN version INTEGER NOT NULL DEFAULT 1',
      'CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL)',
      'CREATE INDEX outbox_conversation ON outbox(conversation)',
      'CREATE TABLE presence (conversation TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)',
    ]),
  },
  {
    // The purge walks each kind by its age column from the oldest row: with an index no batch scans the table.
    id: 3,
    name: 'indexes for the retention purge',
    apply: exec([
      'CREATE INDEX IF NOT EXISTS seen_events_at ON seen_events(at)',
      'CREATE INDEX quarantine_at ON quarantine(at)',
      'CREATE INDEX watches_created ON watches(created_at)',
      'CREATE INDEX outbox_created ON outbox(created_at)',
      'CREATE INDEX links_expires ON links(expires_at)',
      'CREATE INDEX tickets_delivered ON tickets(delivered_at, reference) WHERE delivered_at IS NOT NULL',
    ]),
  },
  {
    id: 4,
    name: 'proof mails kept (sealed) in their code until the relay takes them',
    apply: exec([
      'ALTER TABLE proof_codes ADD COLUMN mail TEXT',
      'ALTER TABLE proof_codes ADD COLUMN mail_due_at INTEGER',
      'ALTER TABLE proof_codes ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0',
    ]),
  },
  {
    // Acked platform events kept with their seen mark until their turn is saved (see SeenEvents).
    id: 5,
    name: 'a durable inbox of acked platform events',
    apply: exec([
      'ALTER TABLE seen_events ADD COLUMN payload TEXT',
      'ALTER TABLE seen_events ADD COLUMN done_at INTEGER',
      'ALTER TABLE seen_events ADD COLUMN lease_until INTEGER',
      'CREATE INDEX seen_events_open ON seen_events(at) WHERE payload IS NOT NULL AND done_at IS NULL',
    ]),
  },
  {
    // A turn's effects, for the replica that runs it again (see SqlEffectJournal), and the keys the sinks honour.
    id: 6,
    name: 'the effect journal',
    apply: exec([
      'CREATE TABLE effect_turns (conversation TEXT NOT NULL, version INTEGER NOT NULL, turn TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (conversation, version))',
      'CREATE INDEX effect_turns_at ON effect_turns(at)',
      'CREATE TABLE effects (turn TEXT NOT NULL, effect TEXT NOT NULL, answer TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (turn, effect))',
      'CREATE INDEX effects_at ON effects(at)',
      'ALTER TABLE tickets ADD COLUMN effect_key TEXT',
      'CREATE UNIQUE INDEX tickets_effect ON tickets(effect_key)',
      'ALTER TABLE proof_codes ADD COLUMN request_key TEXT',
    ]),
  },
  {
    // A ticket system's own id of a ticket (RT's number, Zammad's id): follow-ups go to it, its status is
    // read back. The mail sink, once named smtp, is mail (as HANDOVER_SINK names it).
    id: 7,
    name: 'the ticket systems\' own ids of the tickets they took',
    apply: exec(['ALTER TABLE ticket_deliveries ADD COLUMN external_id TEXT', "UPDATE ticket_deliveries SET sink = 'mail' WHERE sink = 'smtp'"]),
  },
  {
    // Who asked for a proof mail (a keyed hash), and where an account's owner has proven it from: the
    // owner's own places have a budget strangers cannot spend (see EmailProof).
    id: 8,
    name: 'the places an account was proven from',
    apply: exec([
      'ALTER TABLE proof_codes ADD COLUMN requester TEXT',
      'CREATE TABLE proof_trust (account TEXT NOT NULL, requester TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (account, requester))',
      'CREATE INDEX proof_trust_until ON proof_trust(until)',
    ]),
  },
  {
    // How each conversation ended (one row a conversation and start), and what the bot did not understand in it.
    id: 9,
    name: 'conversation outcomes',
    apply: exec([
      `CREATE TABLE outcomes (conversation TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, channel TEXT NOT NULL, lang TEXT NOT NULL,
        topic TEXT, kind TEXT NOT NULL, how TEXT, step TEXT, ticket TEXT, helpful SMALLINT, comment TEXT, staff TEXT, checked_at INTEGER,
        PRIMARY KEY (conversation, started_at))`,
      'CREATE INDEX outcomes_ended ON outcomes(ended_at)',
      `CREATE TABLE outcome_unclear (conversation TEXT NOT NULL, started_at INTEGER NOT NULL, n INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
        at INTEGER NOT NULL, PRIMARY KEY (conversation, started_at, n))`,
      'CREATE INDEX outcome_unclear_at ON outcome_unclear(at)',
    ]),
  },
  {
    // The report reads its figures from this index alone, never the rows (100 000 conversations in well under a second).
    id: 10,
    name: 'the report\'s index of outcomes',
    apply: exec(['CREATE INDEX outcomes_figures ON outcomes(ended_at, kind, topic, lang, how, helpful, staff, started_at)']),
  },
];

const POSTGRES: Migration[] = [
  {
    id: 1,
    name: 'the whole store',
    apply: exec([
      `CREATE TABLE conversations (id TEXT PRIMARY KEY, snapshot JSONB NOT NULL, updated_at BIGINT NOT NULL, version INTEGER NOT NULL DEFAULT 1)`,
      'CREATE INDEX conversations_updated ON conversations(updated_at)',
      'CREATE TABLE quarantine (id TEXT NOT NULL, snapshot TEXT NOT NULL, reason TEXT NOT NULL, at BIGINT NOT NULL)',
      'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      'CREATE TABLE seen_events (key TEXT PRIMARY KEY, at BIGINT NOT NULL)',
      'CREATE INDEX seen_events_at ON seen_events(at)',
      `CREATE TABLE links (id TEXT PRIMARY KEY, kind TEXT NOT NULL, conversation TEXT NOT NULL, subject TEXT,
        expires_at BIGINT NOT NULL, used_at BIGINT)`,
      `CREATE TABLE proof_codes (conversation TEXT PRIMARY KEY, subject TEXT NOT NULL, hash TEXT NOT NULL,
        expires_at BIGINT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, email TEXT)`,
      `CREATE TABLE tickets (reference TEXT PRIMARY KEY, body TEXT NOT NULL, created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, delivered_at BIGINT, last_error TEXT)`,
      'CREATE INDEX tickets_due ON tickets(next_attempt_at) WHERE delivered_at IS NULL',
      `CREATE TABLE ticket_deliveries (reference TEXT NOT NULL, sink TEXT NOT NULL, delivered_at BIGINT NOT NULL, PRIMARY KEY (reference, sink))`,
      `CREATE TABLE watches (id BIGSERIAL PRIMARY KEY, "user" TEXT NOT NULL, conversation TEXT NOT NULL, channel TEXT NOT NULL,
        lang TEXT NOT NULL, email TEXT, created_at BIGINT NOT NULL, next_check_at BIGINT NOT NULL, state TEXT NOT NULL,
        overdue_ticket TEXT, notified_at BIGINT)`,
      `CREATE UNIQUE INDEX watches_open ON watches("user", conversation) WHERE state = 'open'`,
      'CREATE INDEX watches_due ON watches(state, next_check_at)',
      'CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, conversation TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)',
      'CREATE INDEX outbox_conversation ON outbox(conversation)',
      'CREATE TABLE presence (conversation TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)',
      // rate-limiter-flexible's table (made here, not by the library, so replicas starting at once do not race).
      'CREATE TABLE rate_limits (key VARCHAR(255) PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT)',
    ]),
  },
  {
    // The purge walks each kind by its age column from the oldest row: with an index no batch scans the table.
    id: 2,
    name: 'indexes for the retention purge',
    apply: exec([
      'CREATE INDEX quarantine_at ON quarantine(at)',
      'CREATE INDEX watches_created ON watches(created_at)',
      'CREATE INDEX outbox_created ON outbox(created_at)',
      'CREATE INDEX links_expires ON links(expires_at)',
      'CREATE INDEX tickets_delivered ON tickets(delivered_at, reference) WHERE delivered_at IS NOT NULL',
    ]),
  },
  {
    id: 3,
    name: 'proof mails kept (sealed) in their code until the relay takes them',
    apply: exec([
      'ALTER TABLE proof_codes ADD COLUMN mail TEXT',
      'ALTER TABLE proof_codes ADD COLUMN mail_due_at BIGINT',
      'ALTER TABLE proof_codes ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0',
      'CREATE INDEX proof_mails_due ON proof_codes(mail_due_at) WHERE mail IS NOT NULL',
    ]),
  },
  {
    // Acked platform events kept with their seen mark until their turn is saved (see SeenEvents).
    id: 4,
    name: 'a durable inbox of acked platform events',
    apply: exec([
      'ALTER TABLE seen_events ADD COLUMN payload TEXT',
      'ALTER TABLE seen_events ADD COLUMN done_at BIGINT',
      'ALTER TABLE seen_events ADD COLUMN lease_until BIGINT',
      'CREATE INDEX seen_events_open ON seen_events(at) WHERE payload IS NOT NULL AND done_at IS NULL',
    ]),
  },
  {
    // A turn's effects, for the replica that runs it again (see SqlEffectJournal), and the keys the sinks honour.
    id: 5,
    name: 'the effect journal',
    apply: exec([
      'CREATE TABLE effect_turns (conversation TEXT NOT NULL, version INTEGER NOT NULL, turn TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (conversation, version))',
      'CREATE INDEX effect_turns_at ON effect_turns(at)',
      'CREATE TABLE effects (turn TEXT NOT NULL, effect TEXT NOT NULL, answer TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (turn, effect))',
      'CREATE INDEX effects_at ON effects(at)',
      'ALTER TABLE tickets ADD COLUMN effect_key TEXT',
      'CREATE UNIQUE INDEX tickets_effect ON tickets(effect_key)',
      'ALTER TABLE proof_codes ADD COLUMN request_key TEXT',
    ]),
  },
  {
    // A ticket system's own id of a ticket (RT's number, Zammad's id): follow-ups go to it, its status is
    // read back. The mail sink, once named smtp, is mail (as HANDOVER_SINK names it).
    id: 6,
    name: 'the ticket systems\' own ids of the tickets they took',
    apply: exec(['ALTER TABLE ticket_deliveries ADD COLUMN external_id TEXT', "UPDATE ticket_deliveries SET sink = 'mail' WHERE sink = 'smtp'"]),
  },
  {
    // Who asked for a proof mail (a keyed hash), and where an account's owner has proven it from: the
    // owner's own places have a budget strangers cannot spend (see EmailProof).
    id: 7,
    name: 'the places an account was proven from',
    apply: exec([
      'ALTER TABLE proof_codes ADD COLUMN requester TEXT',
      'CREATE TABLE proof_trust (account TEXT NOT NULL, requester TEXT NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (account, requester))',
      'CREATE INDEX proof_trust_until ON proof_trust(until)',
    ]),
  },
  {
    // How each conversation ended (one row a conversation and start), and what the bot did not understand in it.
    id: 8,
    name: 'conversation outcomes',
    apply: exec([
      `CREATE TABLE outcomes (conversation TEXT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT NOT NULL, channel TEXT NOT NULL, lang TEXT NOT NULL,
        topic TEXT, kind TEXT NOT NULL, how TEXT, step TEXT, ticket TEXT, helpful SMALLINT, comment TEXT, staff TEXT, checked_at BIGINT,
        PRIMARY KEY (conversation, started_at))`,
      'CREATE INDEX outcomes_ended ON outcomes(ended_at)',
      `CREATE TABLE outcome_unclear (conversation TEXT NOT NULL, started_at BIGINT NOT NULL, n INTEGER NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL,
        at BIGINT NOT NULL, PRIMARY KEY (conversation, started_at, n))`,
      'CREATE INDEX outcome_unclear_at ON outcome_unclear(at)',
    ]),
  },
  {
    // The report reads its figures from this index alone, never the rows (100 000 conversations in well under a second).
    id: 9,
    name: 'the report\'s index of outcomes',
    apply: exec(['CREATE INDEX outcomes_figures ON outcomes(ended_at, kind, topic, lang, how, helpful, staff, started_at)']),
  },
];

export const MIGRATIONS: Record<Dialect, Migration[]> = { sqlite: SQLITE, postgres: POSTGRES };

/** Applies what is missing; resolves to the ids applied now (none when another replica did). */
export async function migrate(db: SqlDb, now = Date.now()): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7212002)');
    await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const done = new Set((await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
    const applied: number[] = [];
    for (const m of MIGRATIONS[tx.dialect]) {
      if (done.has(m.id)) continue;
      await m.apply(tx);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, now]);
      applied.push(m.id);
    }
    return applied;
  });
}
