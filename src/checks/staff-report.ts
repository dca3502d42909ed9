// The diagnostic report as support staff read it: one line per check in a staff voice, with the
// facts they act on (account state and expiry, e-mail, token id and times, fail count, the exact
// clock offset and its reference, PTR and forward names), and what to do next. The person-facing
// wording (`formatReport`) stays for replies staff paste to the person.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import type { z } from 'zod';
import { formatMinutes, type Catalogue } from '../i18n/catalogue.ts';
import { CHECK_BY_ID, variantOf, type CheckId, type CheckResult } from './catalogue.ts';
import { dataOf } from './define.ts';
import type { DiagnosticReport } from '../ports/checks.ts';

const MARK = { pass: '✔', warn: '!', fail: '✘', unknown: '?' } as const;

const when = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : undefined);

export interface StaffLine {
  check: CheckResult;
  text: string;
}

/** The checks worth showing: nothing about a token when there is no account to have one. */
export function shownChecks(report: DiagnosticReport): CheckResult[] {
  const missing = report.checks.some((c) => c.code === 'account.missing');
  return report.checks.filter((c) => !(missing && c.id === 'token'));
}

/** The account's own username, once the account check found it (staff may have typed an e-mail). */
function subjectName(report: DiagnosticReport): string {
  const account = report.checks.find((c) => c.id === 'account' && c.code !== 'account.missing');
  return (account && dataOf(CHECK_BY_ID.account, account)?.username) || report.subject.user;
}

type StaffWords = Catalogue['staff'];
type Facts<K extends CheckId> = Partial<z.infer<(typeof CHECK_BY_ID)[K]['data']>>;

/** The facts each check's staff line shows, from its data as its schema reads it. */
const STAFF_FACTS: { [K in CheckId]: (d: Facts<K>, t: StaffWords, lang: Lang) => Record<string, unknown> } = {
  account: (d, t) => ({ expires: when(d.expiresAt) ?? t.unknown, email: d.email || t.unknown, lockedAt: when(d.lockedAt) ?? t.unknown }),
  token: (d, t, lang) => ({
    registered: when(d.registeredAt) ?? t.unknown,
    activated: when(d.activatedAt) ?? t.never,
    since: d.minutesSinceRegistration != null ? formatMinutes(d.minutesSinceRegistration, lang) : t.unknown,
    failCount: d.failCount ?? t.unknown,
    overdueMark: d.overdueAfterMinutes !== undefined ? formatMinutes(d.overdueAfterMinutes, lang) : t.unknown,
    tokenId: d.tokenId ?? t.unknown,
    lastUsed: when(d.lastUsedAt) ?? t.never,
    failLimit: d.failLimit ?? t.unknown,
    drift: d.driftSeconds != null ? `${d.driftSeconds > 0 ? '+' : ''}${d.driftSeconds} s` : t.unknown,
  }),
  clock: (d, t) => ({
    offset: d.offsetMs !== undefined ? `${d.offsetMs > 0 ? '+' : ''}${(d.offsetMs / 1000).toFixed(1)} s` : t.unknown,
    reference: d.reference === 'ntp' ? t.ref_ntp : t.ref_host,
    source: t[`source_${String(d.source)}` as keyof StaffWords] ?? String(d.source ?? ''),
    hostOffset: d.hostOffsetMs != null ? `${(Math.abs(d.hostOffsetMs) / 1000).toFixed(1)} s` : undefined,
  }),
  code: () => ({}),
  network: (d, t) => ({ ptr: d.ptr?.length ? d.ptr.join(', ') : t.none, confirmed: d.confirmedName ?? t.none }),
};

function factsOf(check: CheckResult, t: StaffWords, lang: Lang): Record<string, unknown> {
  // The table and the schema are picked by the same id, so the data fits the function. A check
  // outside the built-in set (a runner given more) has neither: its line is its summary.
  const facts = STAFF_FACTS[check.id] as ((d: object, t: StaffWords, lang: Lang) => Record<string, unknown>) | undefined;
  const definition = CHECK_BY_ID[check.id] as { data: z.ZodType<object> } | undefined;
  if (!facts || !definition) return {};
  return facts(dataOf(definition, check) ?? {}, t, lang);
}

/** What the back-end learned, where it knows it: the drift at the last good code; a code used up. */
function moreOf(check: CheckResult, t: StaffWords): string[] {
  if (check.id === 'token' && (dataOf(CHECK_BY_ID.token, check)?.driftSeconds ?? 0) !== 0) return [t['token.drift']];
  if (check.id === 'code' && dataOf(CHECK_BY_ID.code, check)?.consumed === true) return [t['code.consumed']];
  return [];
}

export function staffLines(report: DiagnosticReport, lang: Lang): StaffLine[] {
  const t = catalogues[lang].staff;
  const who = subjectName(report);
  return shownChecks(report).map((check) => {
    const vars: Record<string, unknown> = { ...check.data, who, reason: check.data.reason ?? '', ...factsOf(check, t, lang) };
    let key = (variantOf(check) ?? check.code) as keyof typeof t;
    if (check.code === 'clock.unmeasured') key = vars.hostOffset ? 'clock.unmeasured-ntp' : 'clock.unmeasured';
    return { check, text: [t[key] ?? check.summary, ...moreOf(check, t)].map((s) => render(s, vars)).join(' ') };
  });
}

/** What staff should do, one line each, never the same twice. */
export function staffActions(report: DiagnosticReport, lang: Lang, words: Record<string, string>): string[] {
  const t = catalogues[lang].staffAction;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const { check } of staffLines(report, lang)) {
    const variant = variantOf(check);
    const template = (variant && t[variant]) || t[check.code];
    if (!template) continue;
    const text = render(template, { ...words, ...check.data, who: subjectName(report) });
    if (!seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}

export function formatStaffReport(report: DiagnosticReport, lang: Lang, words: Record<string, string>): string {
  const c = catalogues[lang];
  const lines = [`${report.subject.user}${report.subject.ip ? ` @ ${report.subject.ip}` : ''} — ${when(report.generatedAt) ?? report.generatedAt}`];
  for (const { check, text } of staffLines(report, lang)) lines.push(`${MARK[check.status]} ${(c.checkTitle[check.id] ?? check.id).padEnd(8)} ${text}  [${check.code}]`);
  const actions = staffActions(report, lang, words);
  if (actions.length) lines.push('', c.staff.next_steps, ...actions.map((a) => `• ${a}`));
  return lines.join('\n');
}
