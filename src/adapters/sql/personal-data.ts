// Everything the store holds about one person, and its exact erasure. Candidates are found by the
// person's usernames, addresses and platform ids anywhere in a row; whose each row is, and what is
// left of someone else's, is decided by the rules in src/privacy/erasure.ts: the person's own rows
// go, others' rows stay with the person's name, addresses and ids replaced by `[erased]`.
import { platformIds, type ErasedCounts, type ErasurePlan, type HeldTicket, type Mention, type NamedChannelPeople, type PersonalData, type PersonalDataStore, type Person } from '../../ports/personal-data.ts';
import { ChannelIds, isTheirLimit, namingStrings, redactConversation, redactDeep, whoseConversation, whoseTicket, Who, type Whose } from '../../privacy/erasure.ts';
import type { Dialect, SqlDb } from './db.ts';

export { ERASED } from '../../privacy/erasure.ts';

const SUBJECT: Record<Dialect, { user: string; email: string; text: string }> = {
  sqlite: { user: `json_extract(snapshot, '$.subject.user')`, email: `json_extract(snapshot, '$.subject.email')`, text: 'snapshot' },
  postgres: { user: `snapshot->'subject'->>'user'`, email: `snapshot->'subject'->>'email'`, text: 'snapshot::text' },
};

/** Case-insensitive LIKE: SQLite's LIKE already is (for ASCII), PostgreSQL's is not. */
const ILIKE: Record<Dialect, string> = { sqlite: 'LIKE', postgres: 'ILIKE' };

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const fromJson = (raw: unknown): unknown => (typeof raw === 'string' ? JSON.parse(raw) : raw);
const uniq = (xs: string[]) => [...new Set(xs)];

/** Stored JSON text without the person (its shape kept), or plain text when it is not JSON. */
function redactText(who: Who, text: string): string {
  try {
    return JSON.stringify(redactDeep(who, JSON.parse(text) as unknown));
  } catch {
    return who.redact(text);
  }
}
const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());

/** An identity shown by a proof (a platform's profile, a mailed code, the account a chat runs as), not only typed. */
const proven = (identity: unknown) => typeof identity === 'string' && identity !== 'claimed';

interface Survey {
  who: Who;
  conversations: Map<string, { snapshot: unknown; whose: Whose }>;
  tickets: Map<string, { body: unknown; whose: Whose; createdAt: number; deliveredAt: number | null }>;
}

export class SqlPersonalData implements PersonalDataStore {
  private readonly channels: ChannelIds;

  /** `channels`: each channel's conversation-id format, as its plugin declares it. */
  constructor(
    private readonly db: SqlDb,
    channels: readonly NamedChannelPeople[],
  ) {
    this.channels = new ChannelIds(channels);
  }

  private who(p: Person): Who {
    return new Who(p, this.channels);
  }

  private byAccount(p: Person): string[] {
    return [...p.users, ...p.emails].flatMap((a) => this.channels.accountConversations(a));
  }

  private get like() {
    return ILIKE[this.db.dialect];
  }

  async widen(p: Person): Promise<Person> {
    const ids: Record<string, string[]> = { ...this.channels.emptyIds() };
    for (const [channel, xs] of Object.entries(p.ids)) ids[channel] = [...xs];
    const more: Person = { users: [...p.users], emails: [...p.emails], ids, conversations: [...p.conversations] };
    const s = SUBJECT[this.db.dialect];
    const own = this.byAccount(p);
    const suffixes = platformIds(p).map((x) => `%:${likeEscape(x)}`);
    const subjects = lower([...p.users, ...p.emails]);
    const rows = [
      ...(await Promise.all(own.map((id) => this.db.all<{ id: string; snapshot: unknown }>('SELECT id, snapshot FROM conversations WHERE id = $1', [id])))).flat(),
      ...(await Promise.all(suffixes.map((x) => this.db.all<{ id: string; snapshot: unknown }>(`SELECT id, snapshot FROM conversations WHERE id LIKE $1 ESCAPE '\\'`, [x])))).flat(),
      ...(await Promise.all(subjects.map((x) => this.db.all<{ id: string; snapshot: unknown }>(`SELECT id, snapshot FROM conversations WHERE lower(${s.user}) = $1 OR lower(${s.email}) = $1`, [x])))).flat(),
    ];
    const who = this.who(p);
    for (const r of rows) {
      const subject = (fromJson(r.snapshot) as { subject?: { user?: string; email?: string; identity?: string } }).subject ?? {};
      const platform = who.owner(r.id);
      // Only what a proof ties together widens the person: a name typed in someone's chat makes that chat no more theirs.
      if (!proven(subject.identity)) continue;
      if (platform !== undefined && !who.is(platform) && !who.is(subject.user) && !who.is(subject.email)) continue;
      if (subject.user) more.users.push(subject.user);
      if (subject.email) more.emails.push(subject.email);
      const theirs = this.channels.platformOwner(r.id);
      if (theirs) (more.ids[theirs.channel] ??= []).push(theirs.id);
    }
    // Watches and proofs tie a conversation (a web page, say) to an account and an address.
    for (const u of lower(uniq(more.users))) {
      for (const [table, column] of [['watches', '"user"'], ['proof_codes', 'subject']] as const) {
        for (const r of await this.db.all<{ email: string | null; conversation: string }>(`SELECT email, conversation FROM ${table} WHERE lower(${column}) = $1`, [u])) {
          if (r.email) more.emails.push(r.email);
          more.conversations.push(r.conversation);
        }
      }
    }
    return { users: uniq(more.users), emails: uniq(more.emails), ids: Object.fromEntries(Object.entries(more.ids).map(([c, xs]) => [c, uniq(xs)])), conversations: uniq(more.conversations) };
  }

  /** The watches and proofs bound to a conversation: each names whose it is too. */
  private async bound(id: string): Promise<Array<{ user?: string; email?: string | null }>> {
    const watches = await this.db.all<{ user: string; email: string | null }>('SELECT "user", email FROM watches WHERE conversation = $1', [id]);
    const proofs = await this.db.all<{ subject: string; email: string | null }>('SELECT subject, email FROM proof_codes WHERE conversation = $1', [id]);
    return [...watches, ...proofs.map((x) => ({ user: x.subject, email: x.email }))];
  }

  private async whose(who: Who, id: string, snapshot: unknown): Promise<Whose> {
    return whoseConversation(who, id, snapshot, await this.bound(id), who.person.conversations.includes(id));
  }

  /** Every conversation and ticket that may be the person's or name them, each with whose it is. */
  private async survey(p: Person): Promise<Survey> {
    const who = this.who(p);
    const text = SUBJECT[this.db.dialect].text;
    const found = new Map<string, unknown>();
    const byId = [...p.conversations, ...this.byAccount(p)];
    for (const id of byId) for (const r of await this.db.all<{ id: string; snapshot: unknown }>('SELECT id, snapshot FROM conversations WHERE id = $1', [id])) found.set(r.id, fromJson(r.snapshot));
    for (const n of who.needles) {
      const rows = await this.db.all<{ id: string; snapshot: unknown }>(`SELECT id, snapshot FROM conversations WHERE id ${this.like} $1 ESCAPE '\\' OR ${text} ${this.like} $1 ESCAPE '\\'`, [`%${likeEscape(n)}%`]);
      for (const r of rows) found.set(r.id, fromJson(r.snapshot));
    }
    const conversations = new Map<string, { snapshot: unknown; whose: Whose }>();
    for (const [id, snapshot] of found) {
      const whose = await this.whose(who, id, snapshot);
      if (whose !== 'unrelated') conversations.set(id, { snapshot, whose });
    }
    const tickets = new Map<string, { body: unknown; whose: Whose; createdAt: number; deliveredAt: number | null }>();
    const patterns = [...who.needles.map((n) => `%${likeEscape(n)}%`), ...[...conversations.keys()].map((id) => `%"${likeEscape(id)}"%`)];
    for (const pattern of patterns) {
      const rows = await this.db.all<{ reference: string; body: string; created_at: number; delivered_at: number | null }>(
        `SELECT reference, body, created_at, delivered_at FROM tickets WHERE body ${this.like} $1 ESCAPE '\\'`,
        [pattern],
      );
      for (const r of rows) {
        if (tickets.has(r.reference)) continue;
        const body = JSON.parse(r.body) as { conversationId?: string };
        const whose = whoseTicket(who, body, await this.conversationWhose(who, conversations, body.conversationId));
        if (whose !== 'unrelated') tickets.set(r.reference, { body, whose, createdAt: Number(r.created_at), deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at) });
      }
    }
    return { who, conversations, tickets };
  }

  /** Whose a ticket's conversation is; undefined when it is no longer stored. */
  private async conversationWhose(who: Who, known: Survey['conversations'], id: string | undefined): Promise<Whose | undefined> {
    if (!id) return undefined;
    const hit = known.get(id);
    if (hit) return hit.whose;
    const row = await this.db.get<{ snapshot: unknown }>('SELECT snapshot FROM conversations WHERE id = $1', [id]);
    return row ? this.whose(who, id, fromJson(row.snapshot)) : undefined;
  }

  async plan(given: Person): Promise<ErasurePlan> {
    const survey = await this.survey(given);
    const pick = <T extends { whose: Whose }>(m: Map<string, T>, own: boolean) => [...m].filter(([, v]) => (v.whose === 'own') === own).map(([k]) => k);
    const conversations = pick(survey.conversations, true);
    const addresses = uniq([
      ...conversations.map((id) => (survey.conversations.get(id)?.snapshot as { subject?: { ip?: string } }).subject?.ip ?? ''),
      ...pick(survey.tickets, true).map((r) => (survey.tickets.get(r)?.body as { subject?: { ip?: string } }).subject?.ip ?? ''),
    ].filter(Boolean));
    const plan: ErasurePlan = {
      person: given,
      conversations,
      tickets: pick(survey.tickets, true),
      redacted: { conversations: pick(survey.conversations, false), tickets: pick(survey.tickets, false) },
      addresses,
      rows: { watches: 0, links: 0, proofs: 0, outbox: 0, presence: 0, events: 0, quarantined: 0, limits: 0, staffThreads: 0 },
    };
    const small = await this.smallRows(this.db, plan, survey.who);
    plan.rows = {
      watches: small.watches.length,
      links: small.links.length,
      proofs: small.proofs.length,
      outbox: small.outbox.length,
      presence: small.presence.length,
      events: small.events.length,
      quarantined: small.quarantined.length,
      limits: small.limits.length,
      staffThreads: small.staffThreads.length,
    };
    return plan;
  }

  /** The person's rows in the small tables: by their own conversations, or by their account and address. */
  private async smallRows(db: SqlDb, plan: ErasurePlan, who: Who) {
    const own = new Set(plan.conversations);
    const users = lower(plan.person.users);
    const emails = lower(plan.person.emails);
    const byConversation = async <T>(sql: string): Promise<T[]> => (await Promise.all(plan.conversations.map((id) => db.all<T>(sql, [id])))).flat();
    const byIdentity = async <T>(sql: string): Promise<T[]> => (await Promise.all([...users, ...emails].map((x) => db.all<T>(sql, [x])))).flat();
    const unique = <T>(rows: T[], key: (r: T) => string) => [...new Map(rows.map((r) => [key(r), r])).values()];
    type W = { id: number; user: string; conversation: string; channel: string; lang: string; email: string | null; created_at: number; state: string; overdue_ticket: string | null; notified_at: number | null };
    const wCols = 'id, "user", conversation, channel, lang, email, created_at, state, overdue_ticket, notified_at';
    const watches = unique([...(await byConversation<W>(`SELECT ${wCols} FROM watches WHERE conversation = $1`)), ...(await byIdentity<W>(`SELECT ${wCols} FROM watches WHERE lower("user") = $1 OR lower(email) = $1`))], (r) => String(r.id));
    type P = { conversation: string; subject: string; email: string | null; expires_at: number };
    const pCols = 'conversation, subject, email, expires_at';
    const proofs = unique([...(await byConversation<P>(`SELECT ${pCols} FROM proof_codes WHERE conversation = $1`)), ...(await byIdentity<P>(`SELECT ${pCols} FROM proof_codes WHERE lower(subject) = $1 OR lower(email) = $1`))], (r) => r.conversation);
    const links = await byConversation<{ id: string; kind: string; conversation: string; expires_at: number; used_at: number | null }>('SELECT id, kind, conversation, expires_at, used_at FROM links WHERE conversation = $1');
    const outbox = await byConversation<{ id: number; conversation: string; body: string; created_at: number }>('SELECT id, conversation, body, created_at FROM outbox WHERE conversation = $1');
    const presence = await byConversation<{ conversation: string }>('SELECT conversation FROM presence WHERE conversation = $1');
    type S = { reference: string; conversation: string; lang: string; place: string; thread: string; owner: string | null; created_at: number; closed_at: number | null };
    const staffThreads = await byConversation<S>('SELECT reference, conversation, lang, place, thread, owner, created_at, closed_at FROM staff_threads WHERE conversation = $1 ORDER BY created_at');
    // Queued platform events and quarantined snapshots: the person's own (by conversation) go; others' are redacted.
    const textRows = async <T>(sql: string, patterns: string[]) => (await Promise.all(patterns.map((x) => db.all<T>(sql, [x])))).flat();
    const patterns = [...who.needles.map((n) => `%${likeEscape(n)}%`), ...plan.conversations.map((id) => `%${likeEscape(id)}%`)];
    const events = unique(await textRows<{ key: string; payload: string }>(`SELECT key, payload FROM seen_events WHERE payload ${this.like} $1 ESCAPE '\\'`, patterns), (r) => r.key).filter((r) => r.payload);
    const quarantine = unique(await textRows<{ id: string; at: number; snapshot: string }>(`SELECT id, at, snapshot FROM quarantine WHERE id ${this.like} $1 ESCAPE '\\' OR snapshot ${this.like} $1 ESCAPE '\\'`, patterns), (r) => `${r.id}@${r.at}`);
    const ownEvent = (payload: string) => {
      const id = (JSON.parse(payload) as { conversationId?: string }).conversationId ?? '';
      return own.has(id) || who.is(who.owner(id));
    };
    const ownQuarantined = (id: string) => own.has(id) || who.is(who.owner(id));
    const limits = db.dialect === 'postgres' ? (await db.all<{ key: string }>('SELECT key FROM rate_limits')).filter((r) => isTheirLimit(who, r.key, { conversations: plan.conversations, addresses: plan.addresses })) : [];
    return {
      watches,
      proofs,
      links,
      outbox,
      presence,
      staffThreads,
      events: events.filter((e) => ownEvent(e.payload)),
      othersEvents: events.filter((e) => !ownEvent(e.payload) && who.named(e.payload)),
      quarantined: quarantine.filter((q) => ownQuarantined(q.id)),
      othersQuarantined: quarantine.filter((q) => !ownQuarantined(q.id) && who.named(q.snapshot)),
      limits,
    };
  }

  async find(given: Person): Promise<PersonalData> {
    const survey = await this.survey(given);
    const plan = await this.plan(given);
    const small = await this.smallRows(this.db, plan, survey.who);
    const tickets: HeldTicket[] = [];
    for (const reference of plan.tickets) {
      const t = survey.tickets.get(reference)!;
      const sinks = await this.db.all<{ sink: string }>('SELECT sink FROM ticket_deliveries WHERE reference = $1 ORDER BY sink', [reference]);
      tickets.push({ reference, createdAt: iso(t.createdAt)!, deliveredAt: iso(t.deliveredAt), deliveredTo: sinks.map((x) => x.sink), ticket: t.body });
    }
    const mentions: Mention[] = [
      ...plan.redacted.conversations.map((id) => ({ conversation: id, lines: [...namingStrings(survey.who, survey.conversations.get(id)?.snapshot)] })),
      ...plan.redacted.tickets.map((reference) => ({ ticket: reference, lines: [...namingStrings(survey.who, survey.tickets.get(reference)?.body)] })),
    ];
    return {
      // The keyed fingerprints of codes are not the person's data in any readable form; they are left out.
      conversations: plan.conversations.map((id) => ({ ...(survey.conversations.get(id)?.snapshot as object), codes: undefined })),
      quarantined: small.quarantined.map((q) => ({ id: q.id, at: iso(q.at)!, snapshot: q.snapshot })),
      tickets,
      watches: small.watches.map((w) => ({ user: w.user, conversation: w.conversation, channel: w.channel, lang: w.lang, email: w.email, createdAt: iso(w.created_at), state: w.state, overdueTicket: w.overdue_ticket, notifiedAt: iso(w.notified_at) })),
      links: small.links.map((l) => ({ kind: l.kind, conversation: l.conversation, expiresAt: iso(l.expires_at)!, usedAt: iso(l.used_at) })),
      proofs: small.proofs.map((x) => ({ conversation: x.conversation, account: x.subject, email: x.email, expiresAt: iso(x.expires_at)! })),
      outbox: small.outbox.map((o) => ({ conversation: o.conversation, createdAt: iso(o.created_at)!, body: JSON.parse(o.body) as unknown })),
      mentions: mentions.filter((m) => m.lines.length),
      outcomes: await this.outcomesOf(this.db, survey.who, plan.conversations),
      staffThreads: small.staffThreads.map((t) => ({
        reference: t.reference,
        conversation: t.conversation,
        lang: t.lang,
        place: t.place,
        thread: t.thread,
        claimed: t.owner !== null,
        createdAt: iso(t.created_at)!,
        closedAt: iso(t.closed_at),
      })),
    };
  }

  /**
   * The outcomes of the person's conversations: those still stored, and those of conversations already
   * purged whose id is theirs (their platform id, their account); each with its unclear messages.
   */
  private async outcomesOf(db: SqlDb, who: Who, own: string[]): Promise<Array<Record<string, unknown>>> {
    const ids = new Set(own);
    for (const r of await db.all<{ conversation: string }>('SELECT DISTINCT conversation FROM outcomes')) if (who.is(who.owner(r.conversation))) ids.add(r.conversation);
    const rows: Array<Record<string, unknown>> = [];
    for (const id of ids) {
      for (const o of await db.all<Record<string, unknown>>('SELECT * FROM outcomes WHERE conversation = $1', [id])) {
        const unclear = await db.all<{ text: string }>('SELECT text FROM outcome_unclear WHERE conversation = $1 AND started_at = $2 ORDER BY n', [id, o.started_at]);
        rows.push({ ...o, notUnderstood: unclear.map((u) => u.text) });
      }
    }
    return rows;
  }

  async erase(plan: ErasurePlan): Promise<ErasedCounts> {
    const who = this.who(plan.person);
    const counts: ErasedCounts = { conversations: 0, quarantined: 0, tickets: 0, watches: 0, links: 0, proofs: 0, outbox: 0, presence: 0, events: 0, effects: 0, limits: 0, mentions: 0, outcomes: 0, staffThreads: 0 };
    await this.db.transaction(async (tx) => {
      for (const o of await this.outcomesOf(tx, who, plan.conversations)) {
        await tx.run('DELETE FROM outcome_unclear WHERE conversation = $1 AND started_at = $2', [o.conversation, o.started_at]);
        counts.outcomes += await tx.run('DELETE FROM outcomes WHERE conversation = $1 AND started_at = $2', [o.conversation, o.started_at]);
      }
      const small = await this.smallRows(tx, plan, who);
      for (const id of plan.conversations) {
        counts.conversations += await tx.run('DELETE FROM conversations WHERE id = $1', [id]);
        // What their turns' effects answered (a proven account and address, a ticket reference).
        counts.effects += await tx.run('DELETE FROM effects WHERE turn IN (SELECT turn FROM effect_turns WHERE conversation = $1)', [id]);
        await tx.run('DELETE FROM effect_turns WHERE conversation = $1', [id]);
        counts.staffThreads += await tx.run('DELETE FROM staff_threads WHERE conversation = $1', [id]);
      }
      for (const reference of plan.tickets) {
        await tx.run('DELETE FROM ticket_deliveries WHERE reference = $1', [reference]);
        counts.tickets += await tx.run('DELETE FROM tickets WHERE reference = $1', [reference]);
      }
      for (const w of small.watches) counts.watches += await tx.run('DELETE FROM watches WHERE id = $1', [w.id]);
      for (const x of small.proofs) counts.proofs += await tx.run('DELETE FROM proof_codes WHERE conversation = $1', [x.conversation]);
      // The places their account was proven from (keyed hashes, by account name).
      for (const u of plan.person.users) counts.proofs += await tx.run('DELETE FROM proof_trust WHERE account = $1', [u.toLowerCase()]);
      for (const l of small.links) counts.links += await tx.run('DELETE FROM links WHERE id = $1', [l.id]);
      for (const o of small.outbox) counts.outbox += await tx.run('DELETE FROM outbox WHERE id = $1', [o.id]);
      for (const x of small.presence) counts.presence += await tx.run('DELETE FROM presence WHERE conversation = $1', [x.conversation]);
      for (const e of small.events) counts.events += await tx.run('DELETE FROM seen_events WHERE key = $1', [e.key]);
      for (const q of small.quarantined) counts.quarantined += await tx.run('DELETE FROM quarantine WHERE id = $1 AND at = $2', [q.id, q.at]);
      for (const r of small.limits) counts.limits += await tx.run('DELETE FROM rate_limits WHERE key = $1', [r.key]);
      counts.mentions = await this.redactOthers(tx, plan, who, small);
    });
    return counts;
  }

  /** Others' records that identify or name the person, with the person replaced; how many records changed. */
  private async redactOthers(tx: SqlDb, plan: ErasurePlan, who: Who, small: Awaited<ReturnType<SqlPersonalData['smallRows']>>): Promise<number> {
    let n = 0;
    for (const id of plan.redacted.conversations) {
      const row = await tx.get<{ snapshot: unknown }>('SELECT snapshot FROM conversations WHERE id = $1', [id]);
      if (!row) continue;
      // A new version: a turn that read the old one saves again from this one instead of bringing the name back.
      n += await tx.run('UPDATE conversations SET snapshot = $1, version = version + 1 WHERE id = $2', [JSON.stringify(redactConversation(who, fromJson(row.snapshot))), id]);
      for (const o of await tx.all<{ id: number; body: string }>('SELECT id, body FROM outbox WHERE conversation = $1', [id])) {
        if (who.named(o.body)) await tx.run('UPDATE outbox SET body = $1 WHERE id = $2', [JSON.stringify(redactDeep(who, JSON.parse(o.body))), o.id]);
      }
      // What a turn's effects answered there (the person's proof on a shared page) keeps its shape, without them.
      const answers = await tx.all<{ turn: string; effect: string; answer: string }>('SELECT turn, effect, answer FROM effects WHERE turn IN (SELECT turn FROM effect_turns WHERE conversation = $1)', [id]);
      for (const e of answers.filter((a) => who.named(a.answer))) {
        await tx.run('UPDATE effects SET answer = $1 WHERE turn = $2 AND effect = $3', [redactText(who, e.answer), e.turn, e.effect]);
      }
    }
    for (const reference of plan.redacted.tickets) {
      const row = await tx.get<{ body: string }>('SELECT body FROM tickets WHERE reference = $1', [reference]);
      if (row) n += await tx.run('UPDATE tickets SET body = $1 WHERE reference = $2', [JSON.stringify(redactDeep(who, JSON.parse(row.body))), reference]);
    }
    for (const e of small.othersEvents) n += await tx.run('UPDATE seen_events SET payload = $1 WHERE key = $2', [JSON.stringify(redactDeep(who, JSON.parse(e.payload))), e.key]);
    for (const q of small.othersQuarantined) n += await tx.run('UPDATE quarantine SET snapshot = $1 WHERE id = $2 AND at = $3', [who.redact(q.snapshot), q.id, q.at]);
    return n;
  }
}
