// The diagnostic report as support staff read it: one line per check in a staff voice, with the
// facts they act on (account state and expiry, e-mail, token id and times, fail count, the exact
// clock offset and its reference, PTR and forward names), and what to do next. The person-facing
// wording (`formatReport`) stays for replies staff paste to the person.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import { formatMinutes } from '../i18n/catalogue.ts';
import { variantOf, type CheckResult } from './catalogue.ts';
import type { DiagnosticReport } from '../ports/checks.ts';

const MARK = { pass: '✔', warn: '!', fail: '✘', unknown: '?' } as const;

const when = (iso: unknown) => (typeof iso === 'string' && iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : undefined);

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
  return typeof account?.data.username === 'string' ? account.data.username : report.subject.user;
}

export function staffLines(report: DiagnosticReport, lang: Lang): StaffLine[] {
  const t = catalogues[lang].staff;
  const who = subjectName(report);
  return shownChecks(report).map((check) => {
    const d = check.data;
    const vars: Record<string, unknown> = {
      ...d,
      who,
      expires: when(d.expiresAt) ?? t.unknown,
      email: d.email || t.unknown,
      registered: when(d.registeredAt) ?? t.unknown,
      activated: when(d.activatedAt) ?? t.never,
      since: typeof d.minutesSinceRegistration === 'number' ? formatMinutes(d.minutesSinceRegistration, lang) : t.unknown,
      failCount: d.failCount ?? t.unknown,
      overdueMark: typeof d.overdueAfterMinutes === 'number' ? formatMinutes(d.overdueAfterMinutes, lang) : t.unknown,
      tokenId: d.tokenId ?? t.unknown,
      offset: typeof d.offsetMs === 'number' ? `${d.offsetMs > 0 ? '+' : ''}${(d.offsetMs / 1000).toFixed(1)} s` : t.unknown,
      reference: d.reference === 'ntp' ? t.ref_ntp : t.ref_host,
      source: t[`source_${String(d.source)}` as keyof typeof t] ?? String(d.source ?? ''),
      hostOffset: typeof d.hostOffsetMs === 'number' ? `${(Math.abs(d.hostOffsetMs) / 1000).toFixed(1)} s` : undefined,
      ptr: Array.isArray(d.ptr) && d.ptr.length ? d.ptr.join(', ') : t.none,
      confirmed: d.confirmedName ?? t.none,
      reason: d.reason ?? '',
      lockedAt: when(d.lockedAt) ?? t.unknown,
      lastUsed: when(d.lastUsedAt) ?? t.never,
      failLimit: d.failLimit ?? t.unknown,
      drift: typeof d.driftSeconds === 'number' ? `${d.driftSeconds > 0 ? '+' : ''}${d.driftSeconds} s` : t.unknown,
    };
    let key = (variantOf(check) ?? check.code) as keyof typeof t;
    if (check.code === 'clock.unmeasured') key = vars.hostOffset ? 'clock.unmeasured-ntp' : 'clock.unmeasured';
    // What the back-end learned, where it knows it: the drift at the last good code; a code used up.
    const more = [
      ...(check.id === 'token' && typeof d.driftSeconds === 'number' && d.driftSeconds !== 0 ? [t['token.drift']] : []),
      ...(check.id === 'code' && d.consumed === true ? [t['code.consumed']] : []),
    ];
    return { check, text: [t[key] ?? check.summary, ...more].map((s) => render(s, vars)).join(' ') };
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
  for (const { check, text } of staffLines(report, lang)) lines.push(`${MARK[check.status]} ${c.checkTitle[check.id].padEnd(8)} ${text}  [${check.code}]`);
  const actions = staffActions(report, lang, words);
  if (actions.length) lines.push('', c.staff.next_steps, ...actions.map((a) => `• ${a}`));
  return lines.join('\n');
}
