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
import { catalogues, isLang, LANGS, render, type Lang } from '../i18n/index.ts';
import type { ReportKey } from '../i18n/catalogue.ts';

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

const COLUMNS = ['col_topic', 'col_lang', 'col_conversations', 'col_solved', 'col_handed', 'col_staff_solved', 'col_abandoned', 'col_out_of_scope', 'col_median', 'col_helped'] as const satisfies readonly ReportKey[];
/** The narrowest each column is; a heading longer than that widens it. */
const WIDTHS = [20, 4, 13, 13, 12, 12, 12, 12, 16, 12];

/** The report's words in one language, placeholders filled. */
const wordsIn = (lang: Lang) => (key: ReportKey, vars: Record<string, unknown> = {}) => render(catalogues[lang].report[key], vars);
type Words = ReturnType<typeof wordsIn>;

function figuresRow(f: OutcomeFigures, topic: string, t: Words): string[] {
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
    f.helpfulAnswers ? t('helped_of', { share: pct(f.helpfulYes, f.helpfulAnswers), answers: f.helpfulAnswers }) : '-',
  ];
}

/** The report for people, headings in `lang`: a table per topic and language, then the lists for flow authors. */
export function formatOutcomeReport(r: OutcomeReport, lang: Lang = 'en'): string {
  const t = wordsIn(lang);
  const out = [t('title', { since: r.since, until: r.until }), ''];
  if (!r.totals.length) return [...out, t('none_ended'), ''].join('\n');
  const headings = COLUMNS.map((k) => t(k));
  const widths = WIDTHS.map((w, i) => Math.max(w, headings[i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ').trimEnd();
  out.push(line(headings));
  for (const f of r.byTopic) out.push(line(figuresRow(f, f.topic ?? t('no_topic'), t)));
  for (const f of r.totals) out.push(line(figuresRow(f, t('all_topics'), t)));
  const how = r.totals.map((f) => `${f.lang}: ${Object.entries(f.solvedHow).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  out.push('', t('solved_how', { how: how.join('; ') }));
  const list = (heading: ReportKey, lines: string[]) => out.push('', t(heading), ...(lines.length ? lines : [`  ${t('none')}`]));
  list('gave_up', r.abandonedAt.map((a) => `  ${String(a.count).padStart(6)}  ${a.step ?? a.topic ?? t('topics_menu')}`));
  list('not_understood', r.notUnderstood.map((u) => `  ${String(u.count).padStart(6)}  ${u.lang}  ${u.text}`));
  const answer = (yes: boolean) => t(yes ? 'yes' : 'no').padEnd(Math.max(t('yes').length, t('no').length));
  list('comments', r.comments.map((c) => `  ${answer(c.helpful)}  ${c.lang}  ${(c.topic ?? t('no_topic')).padEnd(18)} ${c.text}`));
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

/** `lang`: the language of the headings without `--lang` (the centre's STAFF_LANG). */
export async function reportCommand(args: string[], io: Io, config: Config, now = Date.now(), lang: Lang = 'en'): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string', default: '7d' }, until: { type: 'string' }, json: { type: 'boolean', default: false }, csv: { type: 'boolean', default: false }, lang: { type: 'string', default: lang } }, strict: true });
  if (!isLang(values.lang)) throw new HelpdeskError('input.invalid', `--lang must be one of ${LANGS.join(', ')} (got "${values.lang}")`);
  const headingsIn = values.lang;
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
    io.out(values.json ? `${JSON.stringify({ version: 1, ...report }, null, 2)}\n` : values.csv ? outcomeCsv(report) : formatOutcomeReport(report, headingsIn));
    return 0;
  } finally {
    await store.close();
  }
}
