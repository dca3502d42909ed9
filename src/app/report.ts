// `2fa-helpdesk report`: what the bot solved, for the centre, over a period. Conversations gone quiet
// are settled first (abandoned, out of scope), so the figures are those of now; then the figures per
// topic and language, the steps where people gave up, and what the bot did not understand, as
// text (for people), JSON (everything) or CSV (the figures table, for a spreadsheet).
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { HelpdeskError } from '../errors.ts';
import type { OutcomeFigures, OutcomeReport } from '../ports/outcomes.ts';
import { openDatabase } from '../adapters/sql/open.ts';
import { SqlStore } from '../adapters/sql/store.ts';
import { SqlOutcomes } from '../adapters/sql/outcomes.ts';
import { createLogger } from '../adapters/logger.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `12h`, `90m` before `now`, or an ISO 8601 date or time; undefined when it is neither. */
export function parseSince(value: string, now: number): number | undefined {
  const m = /^(\d{1,5})([mhd])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

const pct = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '-');

/** 95 → "1 min 35 s"; 5400 → "1 h 30 min". */
export function formatSpan(seconds: number | null): string {
  if (seconds === null) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

const COLUMNS = ['topic', 'lang', 'conversations', 'solved', 'handed', 'staff solved', 'abandoned', 'out of scope', 'median to solved', 'helped'];
const WIDTHS = [20, 4, 13, 13, 12, 12, 12, 12, 16, 12];

function figuresRow(f: OutcomeFigures, topic: string): string[] {
  return [
    topic,
    f.lang,
    String(f.conversations),
    `${f.solved} ${pct(f.solved, f.conversations)}`,
    `${f.handed} ${pct(f.handed, f.conversations)}`,
    String(f.handedSolvedByStaff),
    `${f.abandoned} ${pct(f.abandoned, f.conversations)}`,
    String(f.outOfScope),
    formatSpan(f.medianSecondsToSolved),
    f.helpfulAnswers ? `${pct(f.helpfulYes, f.helpfulAnswers)} of ${f.helpfulAnswers}` : '-',
  ];
}

const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!))).join(' ').trimEnd();

/** The report for people: a table per topic and language, then the lists for flow authors. */
export function formatOutcomeReport(r: OutcomeReport): string {
  const out = [`Conversations that ended from ${r.since} to ${r.until}`, ''];
  if (!r.totals.length) return [...out, 'No conversation ended in this period.', ''].join('\n');
  out.push(line(COLUMNS));
  for (const f of r.byTopic) out.push(line(figuresRow(f, f.topic ?? '(no topic)')));
  for (const f of r.totals) out.push(line(figuresRow(f, 'all topics')));
  const how = r.totals.map((f) => `${f.lang}: ${Object.entries(f.solvedHow).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push('', `Solved without a person, by how (confirmed by the person, a code verified, the token became active, answered to the end): ${how.join('; ')}`);
  out.push('', 'Where people gave up (the last step reached), most first:');
  if (!r.abandonedAt.length) out.push('  none');
  for (const a of r.abandonedAt) out.push(`  ${String(a.count).padStart(6)}  ${a.step ?? a.topic ?? '(the topics menu)'}`);
  out.push('', 'What the bot did not understand (codes redacted, addresses cut to their network), most often first:');
  if (!r.notUnderstood.length) out.push('  none');
  for (const u of r.notUnderstood) out.push(`  ${String(u.count).padStart(6)}  ${u.lang}  ${u.text}`);
  out.push('', 'Sentences added to "Did this help?", newest first:');
  if (!r.comments.length) out.push('  none');
  for (const c of r.comments) out.push(`  ${c.helpful ? 'yes' : 'no '}  ${c.lang}  ${(c.topic ?? '(no topic)').padEnd(18)} ${c.text}`);
  return `${out.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'topic',
  'lang',
  'conversations',
  'solved',
  'solved_confirmed',
  'solved_code',
  'solved_token',
  'solved_answered',
  'handed',
  'handed_solved_by_staff',
  'abandoned',
  'out_of_scope',
  'median_seconds_to_solved',
  'helpful_answers',
  'helpful_yes',
];

const csvCell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** The figures table as CSV (RFC 4180): one row per topic and language, then `*` for all topics. */
export function outcomeCsv(r: OutcomeReport): string {
  const row = (f: OutcomeFigures, topic: string) =>
    [topic, f.lang, f.conversations, f.solved, f.solvedHow.confirmed, f.solvedHow.code, f.solvedHow.token, f.solvedHow.answered, f.handed, f.handedSolvedByStaff, f.abandoned, f.outOfScope, f.medianSecondsToSolved, f.helpfulAnswers, f.helpfulYes]
      .map(csvCell)
      .join(',');
  return [CSV_COLUMNS.join(','), ...r.byTopic.map((f) => row(f, f.topic ?? '')), ...r.totals.map((f) => row(f, '*'))].join('\r\n') + '\r\n';
}

type Io = { out: (s: string) => void; err: (s: string) => void };

export async function reportCommand(args: string[], io: Io, config: Config, now = Date.now()): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string', default: '7d' }, until: { type: 'string' }, json: { type: 'boolean', default: false }, csv: { type: 'boolean', default: false } }, strict: true });
  const since = parseSince(values.since, now);
  if (since === undefined) throw new HelpdeskError('input.invalid', `--since must be a duration like 7d, 24h or 90m, or a date such as 2026-11-01 (got "${values.since}")`);
  const until = values.until === undefined ? now : parseSince(values.until, now);
  if (until === undefined) throw new HelpdeskError('input.invalid', `--until must be a duration like 1d (that long ago) or a date such as 2026-12-01 (got "${values.until}")`);
  if (values.json && values.csv) throw new HelpdeskError('input.invalid', '--json and --csv: choose one');
  const store = await SqlStore.open(await openDatabase(config, createLogger(config.LOG_LEVEL)));
  const db = store.db;
  try {
    const outcomes = new SqlOutcomes(db);
    await outcomes.settleQuiet(now - config.CONVERSATION_IDLE_MINUTES * 60_000);
    const report = await outcomes.report(since, until);
    io.out(values.json ? `${JSON.stringify({ version: 1, ...report }, null, 2)}\n` : values.csv ? outcomeCsv(report) : formatOutcomeReport(report));
    return 0;
  } finally {
    await store.close();
  }
}
