// Conversation outcomes in SQLite or PostgreSQL: one row a conversation (its id and when it began),
// inserted once whatever re-runs a turn has; the messages the bot did not understand beside it; the
// settling of conversations gone quiet (abandoned, out of scope, or an outcome whose recording a
// killed replica missed); and the figures of `2fa-helpdesk report`.
import type { ConversationOutcome, OutcomeFigures, OutcomeReport, OutcomeStore, SolvedHow, StaffState } from '../../ports/outcomes.ts';
import { SOLVED_HOW } from '../../ports/outcomes.ts';
import { parseSnapshot } from '../../engine/migrate.ts';
import { settledOutcome } from '../../engine/outcome.ts';
import { truncateAddressesInText } from '../../privacy/minimise.ts';
import type { Dialect, SqlDb } from './db.ts';
import type { Lang } from '../../ports/lang.ts';

/** Conversations settled a batch at a time. */
const SETTLE_BATCH = 200;
/** Rows of each list in a report. */
export const REPORT_TOP = 20;

const STARTED_AT: Record<Dialect, string> = {
  sqlite: "CAST(json_extract(c.snapshot, '$.startedAt') AS INTEGER)",
  postgres: "(c.snapshot->>'startedAt')::bigint",
};

/** The channel of a conversation id (`web:…`, `slack:…`). */
export const channelOfId = (id: string) => id.split(':')[0] ?? 'other';

/** What a person typed, as a report shows it: codes are already redacted; addresses cut to their network. */
export function reportText(text: string): string {
  return truncateAddressesInText(text).replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The key the bot groups messages it did not understand by: case and spacing do not make a new one. */
const groupKey = (text: string) => reportText(text).toLowerCase();

interface FigureRow {
  topic: string | null;
  lang: Lang;
  kind: string;
  how: string | null;
  n: number;
  staff: number;
  answers: number;
  yes: number;
}

function emptyFigures(topic: string | null, lang: Lang): OutcomeFigures {
  return {
    topic,
    lang,
    conversations: 0,
    solved: 0,
    solvedHow: Object.fromEntries(SOLVED_HOW.map((h) => [h, 0])) as Record<SolvedHow, number>,
    handed: 0,
    handedSolvedByStaff: 0,
    abandoned: 0,
    outOfScope: 0,
    medianSecondsToSolved: null,
    helpfulAnswers: 0,
    helpfulYes: 0,
  };
}

function add(f: OutcomeFigures, r: FigureRow): void {
  const n = Number(r.n);
  f.conversations += n;
  f.helpfulAnswers += Number(r.answers);
  f.helpfulYes += Number(r.yes);
  if (r.kind === 'solved') {
    f.solved += n;
    if (r.how && Object.hasOwn(f.solvedHow, r.how)) f.solvedHow[r.how as SolvedHow] += n;
  } else if (r.kind === 'handed') {
    f.handed += n;
    f.handedSolvedByStaff += Number(r.staff);
  } else if (r.kind === 'abandoned') f.abandoned += n;
  else f.outOfScope += n;
}

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Figures by topic and language, with the spans (seconds) to a solution of each, for its median. */
class Figures {
  private readonly map = new Map<string, { f: OutcomeFigures; spans: number[] }>();

  of(topic: string | null, lang: Lang): OutcomeFigures {
    return this.entry(topic, lang).f;
  }

  span(topic: string | null, lang: Lang, seconds: number): void {
    this.entry(topic, lang).spans.push(seconds);
  }

  list(): OutcomeFigures[] {
    for (const e of this.map.values()) e.f.medianSecondsToSolved = median(e.spans);
    return [...this.map.values()].map((e) => e.f).sort((a, b) => (a.topic ?? '~').localeCompare(b.topic ?? '~') || a.lang.localeCompare(b.lang));
  }

  private entry(topic: string | null, lang: Lang) {
    const key = `${topic ?? ''}\u0000${lang}`;
    let e = this.map.get(key);
    if (!e) this.map.set(key, (e = { f: emptyFigures(topic, lang), spans: [] }));
    return e;
  }
}

export class SqlOutcomes implements OutcomeStore {
  constructor(private readonly db: SqlDb) {}

  async record(o: ConversationOutcome): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.run(
        `INSERT INTO outcomes (conversation, started_at, ended_at, channel, lang, topic, kind, how, step, ticket, helpful, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (conversation, started_at) DO NOTHING`,
        [o.conversation, o.startedAt, o.at, o.channel, o.lang, o.flow, o.kind, o.how ?? null, o.step, o.ticket ?? null, o.helpful === undefined ? null : o.helpful ? 1 : 0, o.comment ? reportText(o.comment) : null],
      );
      if (!inserted) return false;
      for (const [n, text] of o.unclear.entries()) {
        await tx.run('INSERT INTO outcome_unclear (conversation, started_at, n, lang, text, at) VALUES ($1, $2, $3, $4, $5, $6)', [o.conversation, o.startedAt, n, o.lang, groupKey(text), o.at]);
      }
      return true;
    });
  }

  async feedback(conversation: string, startedAt: number, helpful: boolean, comment?: string): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE outcomes SET helpful = COALESCE(helpful, $3), comment = COALESCE(comment, CAST($4 AS TEXT))
       WHERE conversation = $1 AND started_at = $2 AND (helpful IS NULL OR (comment IS NULL AND CAST($4 AS TEXT) IS NOT NULL))`,
      [conversation, startedAt, helpful ? 1 : 0, comment ? reportText(comment) : null],
    );
    return changed > 0;
  }

  /**
   * Conversations last written before `quietBefore` that have no outcome yet: each gets the one its
   * turns decided (when recording it was missed) or, decided now, abandoned or out of scope. The
   * outcomes recorded, for the caller to count.
   */
  async settleQuiet(quietBefore: number): Promise<ConversationOutcome[]> {
    const recorded: ConversationOutcome[] = [];
    const select = `SELECT c.id, c.snapshot, c.updated_at FROM conversations c WHERE c.updated_at < $1 AND c.updated_at >= $2
      AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.conversation = c.id AND o.started_at = ${STARTED_AT[this.db.dialect]})
      ORDER BY c.updated_at LIMIT ${SETTLE_BATCH}`;
    const mark = await this.db.get<{ value: string }>("SELECT value FROM meta WHERE key = 'outcomes-settled-to'");
    let from = mark ? Number(mark.value) : 0;
    for (;;) {
      const rows = await this.db.all<{ id: string; snapshot: unknown; updated_at: number }>(select, [quietBefore, from]);
      for (const r of rows) {
        const parsed = parseSnapshot(typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot);
        const outcome = parsed.success ? settledOutcome(parsed.data, channelOfId(r.id)) : undefined;
        if (outcome && (await this.record(outcome))) recorded.push(outcome);
      }
      if (rows.length < SETTLE_BATCH) break;
      // Silent conversations stay unsettled: the window moves past them by time.
      from = Number(rows.at(-1)!.updated_at);
      if (rows.every((r) => Number(r.updated_at) === from)) from += 1;
    }
    // Up to here every quiet conversation has been looked at, by any process (rows only move forward).
    await this.db.run(
      `INSERT INTO meta (key, value) VALUES ('outcomes-settled-to', $1) ON CONFLICT (key)
       DO UPDATE SET value = CASE WHEN CAST(meta.value AS BIGINT) < CAST(excluded.value AS BIGINT) THEN excluded.value ELSE meta.value END`,
      [String(quietBefore)],
    );
    return recorded;
  }

  /** Handed-over tickets of conversations that ended since `since` whose staff state is not known yet. */
  async handedOpen(since: number, limit: number): Promise<Array<{ conversation: string; startedAt: number; ticket: string; topic: string | null }>> {
    const rows = await this.db.all<{ conversation: string; started_at: number; ticket: string; topic: string | null }>(
      `SELECT conversation, started_at, ticket, topic FROM outcomes WHERE kind = 'handed' AND staff IS NULL AND ticket IS NOT NULL AND ended_at >= $1
       ORDER BY checked_at NULLS FIRST, ended_at LIMIT $2`,
      [since, limit],
    );
    return rows.map((r) => ({ conversation: r.conversation, startedAt: Number(r.started_at), ticket: r.ticket, topic: r.topic }));
  }

  /** What the ticket system said of a handed-over ticket: resolved or closed by staff, or (undefined) not yet. */
  async staffState(conversation: string, startedAt: number, state: StaffState | undefined, now: number): Promise<void> {
    await this.db.run('UPDATE outcomes SET staff = COALESCE(staff, $3), checked_at = $4 WHERE conversation = $1 AND started_at = $2', [conversation, startedAt, state ?? null, now]);
  }

  async report(since: number, until: number): Promise<OutcomeReport> {
    const range = [since, until];
    const [rows, durations, abandoned, unclear, comments] = await Promise.all([
      this.db.all<FigureRow>(
        `SELECT topic, lang, kind, how, COUNT(*) AS n, SUM(CASE WHEN staff IS NOT NULL THEN 1 ELSE 0 END) AS staff,
           COUNT(helpful) AS answers, SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END) AS yes
         FROM outcomes WHERE ended_at >= $1 AND ended_at < $2 GROUP BY topic, lang, kind, how`,
        range,
      ),
      this.db.all<{ topic: string | null; lang: Lang; d: number }>(`SELECT topic, lang, ended_at - started_at AS d FROM outcomes WHERE kind = 'solved' AND ended_at >= $1 AND ended_at < $2`, range),
      this.db.all<{ topic: string | null; step: string | null; n: number }>(
        `SELECT topic, step, COUNT(*) AS n FROM outcomes WHERE kind = 'abandoned' AND ended_at >= $1 AND ended_at < $2 GROUP BY topic, step ORDER BY n DESC, topic, step LIMIT ${REPORT_TOP}`,
        range,
      ),
      this.db.all<{ text: string; lang: Lang; n: number }>(
        `SELECT text, lang, COUNT(*) AS n FROM outcome_unclear WHERE at >= $1 AND at < $2 GROUP BY text, lang ORDER BY n DESC, text LIMIT ${REPORT_TOP}`,
        range,
      ),
      this.db.all<{ topic: string | null; lang: Lang; helpful: number | null; comment: string }>(
        `SELECT topic, lang, helpful, comment FROM outcomes WHERE comment IS NOT NULL AND ended_at >= $1 AND ended_at < $2 ORDER BY ended_at DESC LIMIT ${REPORT_TOP}`,
        range,
      ),
    ]);
    const byTopic = new Figures();
    const totals = new Figures();
    for (const r of rows) {
      add(byTopic.of(r.topic, r.lang), r);
      add(totals.of(null, r.lang), r);
    }
    for (const d of durations) {
      byTopic.span(d.topic, d.lang, Number(d.d) / 1000);
      totals.span(null, d.lang, Number(d.d) / 1000);
    }
    return {
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      byTopic: byTopic.list(),
      totals: totals.list(),
      abandonedAt: abandoned.map((r) => ({ topic: r.topic, step: r.step, count: Number(r.n) })),
      notUnderstood: unclear.map((r) => ({ text: r.text, lang: r.lang, count: Number(r.n) })),
      comments: comments.map((r) => ({ topic: r.topic, lang: r.lang, helpful: r.helpful === 1 || Number(r.helpful) === 1, text: r.comment })),
    };
  }
}
