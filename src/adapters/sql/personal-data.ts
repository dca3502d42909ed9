// Everything the store holds about one person, found by their username, e-mail addresses and
// platform ids: in their conversations (subject and conversation id), anywhere in a stored
// conversation or ticket that names them, and in watches, links, proofs, the outbox and limits.
import type { ErasedCounts, HeldTicket, Mention, PersonalData, PersonalDataStore, Person } from '../../ports/personal-data.ts';
import type { Dialect, SqlDb } from './db.ts';

const SUBJECT: Record<Dialect, { user: string; email: string; text: string }> = {
  sqlite: { user: `json_extract(snapshot, '$.subject.user')`, email: `json_extract(snapshot, '$.subject.email')`, text: 'snapshot' },
  postgres: { user: `snapshot->'subject'->>'user'`, email: `snapshot->'subject'->>'email'`, text: 'snapshot::text' },
};

/** Case-insensitive LIKE: SQLite's LIKE already is (for ASCII), PostgreSQL's is not. */
const ILIKE: Record<Dialect, string> = { sqlite: 'LIKE', postgres: 'ILIKE' };

/** What a redacted name or address becomes in someone else's words (as a code becomes "[code]"). */
export const ERASED = '[erased]';

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The person's usernames and addresses as whole words in free text ("I'm alice." but not "malice"). */
function wordsOf(p: Person): RegExp | undefined {
  const words = [...p.users, ...p.emails].map(regexEscape);
  return words.length ? new RegExp(`(?<![\\p{L}\\p{N}._@-])(?:${words.join('|')})(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])`, 'giu') : undefined;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());
const fromJson = (raw: unknown): unknown => (typeof raw === 'string' ? JSON.parse(raw) : raw);

/** One way to name the person: a conversation id, an id suffix, a subject value, and text in stored JSON. */
interface Needle {
  id: string | null;
  idSuffix: string | null;
  subject: string | null;
  text: string;
}

function needles(p: Person): Needle[] {
  return [
    ...p.users.map((u) => ({ id: `terminal:${u}`, idSuffix: null, subject: u.toLowerCase(), text: `%"${likeEscape(u)}"%` })),
    ...p.emails.map((e) => ({ id: `terminal:${e}`, idSuffix: null, subject: e.toLowerCase(), text: `%${likeEscape(e)}%` })),
    ...[...p.slack, ...p.discord].map((x) => ({ id: null, idSuffix: `%:${likeEscape(x)}`, subject: null, text: `%${likeEscape(x)}%` })),
    ...p.conversations.map((id) => ({ id, idSuffix: null, subject: null, text: `%"${likeEscape(id)}"%` })),
  ];
}

const uniq = (xs: string[]) => [...new Set(xs)];

export class SqlPersonalData implements PersonalDataStore {
  constructor(private readonly db: SqlDb) {}

  /** Conversations naming the person: by subject and id, and (`byText`) anywhere in what is stored. */
  private async conversations(p: Person, byText: boolean): Promise<Map<string, unknown>> {
    const s = SUBJECT[this.db.dialect];
    const found = new Map<string, unknown>();
    for (const n of needles(p)) {
      const rows = await this.db.all<{ id: string; snapshot: unknown }>(
        `SELECT id, snapshot FROM conversations WHERE id = $1 OR id LIKE $2 ESCAPE '\\' OR lower(${s.user}) = $3 OR lower(${s.email}) = $3
         OR ($5 AND ${s.text} LIKE $4 ESCAPE '\\')`,
        [n.id, n.idSuffix, n.subject, n.text, byText],
      );
      for (const r of rows) found.set(r.id, fromJson(r.snapshot));
    }
    return found;
  }

  async widen(p: Person): Promise<Person> {
    const more: Person = { users: [...p.users], emails: [...p.emails], slack: [...p.slack], discord: [...p.discord], conversations: [...p.conversations] };
    for (const [id, snap] of await this.conversations(p, false)) {
      const subject = (snap as { subject?: { user?: string; email?: string } }).subject ?? {};
      if (subject.user) more.users.push(subject.user);
      if (subject.email) more.emails.push(subject.email);
      const parts = id.split(':');
      if (parts[0] === 'slack' && parts.length === 4) more.slack.push(parts[3]!);
      if (parts[0] === 'discord' && parts.length === 3) more.discord.push(parts[2]!);
    }
    // Watches and proofs tie a conversation (a web page, say) to an account and an address.
    for (const u of more.users) {
      for (const table of ['watches', 'proof_codes']) {
        const column = table === 'watches' ? '"user"' : 'subject';
        for (const r of await this.db.all<{ email: string | null; conversation: string }>(`SELECT email, conversation FROM ${table} WHERE lower(${column}) = $1`, [u.toLowerCase()])) {
          if (r.email) more.emails.push(r.email);
          more.conversations.push(r.conversation);
        }
      }
    }
    return { users: uniq(more.users), emails: uniq(more.emails), slack: uniq(more.slack), discord: uniq(more.discord), conversations: uniq(more.conversations) };
  }

  private async tickets(p: Person, ids: string[]): Promise<HeldTicket[]> {
    const texts = [...needles(p).map((n) => n.text), ...ids.map((id) => `%"${likeEscape(id)}"%`)];
    const found = new Map<string, HeldTicket>();
    for (const text of texts) {
      const rows = await this.db.all<{ reference: string; body: string; created_at: number; delivered_at: number | null }>(
        `SELECT reference, body, created_at, delivered_at FROM tickets WHERE body LIKE $1 ESCAPE '\\'`,
        [text],
      );
      for (const r of rows) {
        if (found.has(r.reference)) continue;
        const sinks = await this.db.all<{ sink: string }>('SELECT sink FROM ticket_deliveries WHERE reference = $1 ORDER BY sink', [r.reference]);
        found.set(r.reference, { reference: r.reference, createdAt: iso(r.created_at)!, deliveredAt: iso(r.delivered_at), deliveredTo: sinks.map((x) => x.sink), ticket: JSON.parse(r.body) });
      }
    }
    return [...found.values()];
  }

  /** Every statement that names the person's rows in the small tables, for reading or deleting. */
  private where(p: Person, ids: string[]) {
    const lower = { users: p.users.map((u) => u.toLowerCase()), emails: p.emails.map((e) => e.toLowerCase()) };
    return [
      ...ids.map((id) => ({ table: 'watches', sql: 'conversation = $1', v: id })),
      ...lower.users.map((u) => ({ table: 'watches', sql: 'lower("user") = $1', v: u })),
      ...lower.emails.map((e) => ({ table: 'watches', sql: 'lower(email) = $1', v: e })),
      ...ids.map((id) => ({ table: 'links', sql: 'conversation = $1', v: id })),
      ...ids.map((id) => ({ table: 'proof_codes', sql: 'conversation = $1', v: id })),
      ...lower.users.map((u) => ({ table: 'proof_codes', sql: 'lower(subject) = $1', v: u })),
      ...lower.emails.map((e) => ({ table: 'proof_codes', sql: 'lower(email) = $1', v: e })),
      ...lower.users.map((u) => ({ table: 'proof_trust', sql: 'account = $1', v: u })),
      ...ids.map((id) => ({ table: 'outbox', sql: 'conversation = $1', v: id })),
      ...ids.map((id) => ({ table: 'presence', sql: 'conversation = $1', v: id })),
    ];
  }

  private async rows<T>(table: string, p: Person, ids: string[], columns: string, key: (r: T) => string): Promise<T[]> {
    const out = new Map<string, T>();
    for (const w of this.where(p, ids).filter((x) => x.table === table)) {
      for (const r of await this.db.all<T>(`SELECT ${columns} FROM ${table} WHERE ${w.sql}`, [w.v])) out.set(key(r), r);
    }
    return [...out.values()];
  }

  private async quarantined(p: Person, ids: string[]) {
    const out = new Map<string, { id: string; at: string; snapshot: string }>();
    for (const text of [...needles(p).map((n) => n.text), ...ids.map(likeEscape)]) {
      for (const r of await this.db.all<{ id: string; at: number; snapshot: string }>(`SELECT id, at, snapshot FROM quarantine WHERE id LIKE $1 ESCAPE '\\' OR snapshot LIKE $1 ESCAPE '\\'`, [text])) {
        out.set(`${r.id}@${r.at}`, { id: r.id, at: iso(r.at)!, snapshot: r.snapshot });
      }
    }
    return [...out.values()];
  }

  async find(p: Person): Promise<PersonalData> {
    const convs = await this.conversations(p, true);
    const ids = [...convs.keys()];
    type W = { id: number; user: string; conversation: string; channel: string; lang: string; email: string | null; created_at: number; state: string; overdue_ticket: string | null; notified_at: number | null };
    const watches = await this.rows<W>('watches', p, ids, 'id, "user", conversation, channel, lang, email, created_at, state, overdue_ticket, notified_at', (r) => String(r.id));
    type L = { id: string; kind: string; conversation: string; expires_at: number; used_at: number | null };
    const links = await this.rows<L>('links', p, ids, 'id, kind, conversation, expires_at, used_at', (r) => r.id);
    type P = { conversation: string; subject: string; email: string | null; expires_at: number };
    const proofs = await this.rows<P>('proof_codes', p, ids, 'conversation, subject, email, expires_at', (r) => r.conversation);
    type O = { id: number; conversation: string; body: string; created_at: number };
    const outbox = await this.rows<O>('outbox', p, ids, 'id, conversation, body, created_at', (r) => String(r.id));
    const tickets = await this.tickets(p, ids);
    return {
      // The keyed fingerprints of codes are not the person's data in any readable form; they are left out.
      conversations: [...convs.values()].map((s) => ({ ...(s as object), codes: undefined })),
      quarantined: await this.quarantined(p, ids),
      tickets,
      watches: watches.map((w) => ({ user: w.user, conversation: w.conversation, channel: w.channel, lang: w.lang, email: w.email, createdAt: iso(w.created_at), state: w.state, overdueTicket: w.overdue_ticket, notifiedAt: iso(w.notified_at) })),
      links: links.map((l) => ({ kind: l.kind, conversation: l.conversation, expiresAt: iso(l.expires_at)!, usedAt: iso(l.used_at) })),
      proofs: proofs.map((x) => ({ conversation: x.conversation, account: x.subject, email: x.email, expiresAt: iso(x.expires_at)! })),
      outbox: outbox.map((o) => ({ conversation: o.conversation, createdAt: iso(o.created_at)!, body: JSON.parse(o.body) as unknown })),
      mentions: await this.mentions(p, { ids: new Set(ids), tickets: new Set(tickets.map((t) => t.reference)) }),
    };
  }

  /**
   * Others' conversations (the person's words only: 'u' lines) and tickets whose free text names the
   * person as a whole word; `known` are the conversations and tickets that are the person's own.
   */
  private async mentions(p: Person, known: { ids: Set<string>; tickets: Set<string> }): Promise<Mention[]> {
    const words = wordsOf(p);
    if (!words) return [];
    const like = ILIKE[this.db.dialect];
    const text = SUBJECT[this.db.dialect].text;
    const hit = (line: string) => line.search(words) >= 0;
    const out = new Map<string, Mention>();
    for (const w of [...p.users, ...p.emails]) {
      const pattern = `%${likeEscape(w)}%`;
      for (const r of await this.db.all<{ id: string; snapshot: unknown }>(`SELECT id, snapshot FROM conversations WHERE ${text} ${like} $1 ESCAPE '\\'`, [pattern])) {
        if (known.ids.has(r.id) || out.has(`c:${r.id}`)) continue;
        const lines = ((fromJson(r.snapshot) as { transcript?: Array<[number, string, string]> }).transcript ?? []).filter(([, who, line]) => who === 'u' && hit(line)).map(([, , line]) => line);
        if (lines.length) out.set(`c:${r.id}`, { conversation: r.id, lines });
      }
      for (const r of await this.db.all<{ reference: string; body: string }>(`SELECT reference, body FROM tickets WHERE body ${like} $1 ESCAPE '\\'`, [pattern])) {
        if (known.tickets.has(r.reference) || out.has(`t:${r.reference}`)) continue;
        const lines = ((JSON.parse(r.body) as { transcript?: unknown }).transcript as string[] | undefined ?? []).filter(hit);
        if (lines.length) out.set(`t:${r.reference}`, { ticket: r.reference, lines });
      }
    }
    return [...out.values()];
  }

  /** Redacts the person's name and address in the lines of `mentions`; how many lines changed. */
  private async redact(tx: SqlDb, p: Person, mentions: Mention[]): Promise<number> {
    const words = wordsOf(p);
    if (!words) return 0;
    let n = 0;
    const clean = (line: string) => {
      const out = line.replace(words, ERASED);
      if (out !== line) n++;
      return out;
    };
    for (const m of mentions) {
      if (m.conversation) {
        const row = await tx.get<{ snapshot: unknown; version: number }>('SELECT snapshot, version FROM conversations WHERE id = $1', [m.conversation]);
        if (!row) continue;
        const s = fromJson(row.snapshot) as { transcript: Array<[number, string, string]> };
        s.transcript = s.transcript.map(([t, who, line]) => [t, who, who === 'u' ? clean(line) : line]);
        // A new version: a turn that read the old one saves again from this one instead of bringing the name back.
        await tx.run('UPDATE conversations SET snapshot = $1, version = version + 1 WHERE id = $2', [JSON.stringify(s), m.conversation]);
      } else if (m.ticket) {
        const row = await tx.get<{ body: string }>('SELECT body FROM tickets WHERE reference = $1', [m.ticket]);
        if (!row) continue;
        const body = JSON.parse(row.body) as { transcript?: string[] };
        body.transcript = (body.transcript ?? []).map(clean);
        await tx.run('UPDATE tickets SET body = $1 WHERE reference = $2', [JSON.stringify(body), m.ticket]);
      }
    }
    return n;
  }

  async erase(p: Person): Promise<ErasedCounts> {
    const held = await this.find(p);
    const ids = (held.conversations as Array<{ id: string }>).map((c) => c.id);
    const counts: ErasedCounts = { conversations: 0, quarantined: 0, tickets: 0, watches: 0, links: 0, proofs: 0, outbox: 0, presence: 0, limits: 0, mentions: 0 };
    const key: Record<string, keyof ErasedCounts> = { watches: 'watches', links: 'links', proof_codes: 'proofs', proof_trust: 'proofs', outbox: 'outbox', presence: 'presence' };
    await this.db.transaction(async (tx) => {
      for (const id of ids) counts.conversations += await tx.run('DELETE FROM conversations WHERE id = $1', [id]);
      // What their turns' effects answered (a proven account and address, a ticket reference).
      for (const id of ids) {
        await tx.run('DELETE FROM effects WHERE turn IN (SELECT turn FROM effect_turns WHERE conversation = $1)', [id]);
        await tx.run('DELETE FROM effect_turns WHERE conversation = $1', [id]);
      }
      for (const q of held.quarantined) counts.quarantined += await tx.run('DELETE FROM quarantine WHERE id = $1 AND at = $2', [q.id, Date.parse(q.at)]);
      for (const t of held.tickets) {
        await tx.run('DELETE FROM ticket_deliveries WHERE reference = $1', [t.reference]);
        counts.tickets += await tx.run('DELETE FROM tickets WHERE reference = $1', [t.reference]);
      }
      for (const w of this.where(p, ids)) counts[key[w.table]!] += await tx.run(`DELETE FROM ${w.table} WHERE ${w.sql}`, [w.v]);
      // Shared limits on PostgreSQL are keyed by account or address ("code-checks:alice").
      if (tx.dialect === 'postgres') for (const x of [...p.users, ...p.emails]) counts.limits += await tx.run(`DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\\'`, [`%:${likeEscape(x)}`]);
      counts.mentions = await this.redact(tx, p, held.mentions);
    });
    return counts;
  }
}
