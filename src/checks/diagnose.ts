// One diagnostic report: the checks that apply, run concurrently, plus advice for what failed.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import { CHECKS, variantOf, type CheckId, type CheckResult } from './catalogue.ts';
import type { CheckInput } from './context.ts';
import type { CheckRunner } from './index.ts';
import type { DiagnoseRequest, DiagnosticReport } from '../ports/checks.ts';
import { shownChecks } from './staff-report.ts';

export type { DiagnoseRequest, DiagnosticReport } from '../ports/checks.ts';

/** The centre's own words the advice may name (the engine's CentreWords; a plain record here, so checks import no engine). */
export type AdviceWords = Readonly<Record<string, string | undefined>>;

export function adviceFor(checks: CheckResult[], lang: Lang, words: AdviceWords): DiagnosticReport['advice'] {
  // No account: no token to advise about. Two outcomes with the same advice: said once.
  const missing = checks.some((c) => c.code === 'account.missing');
  const seen = new Set<string>();
  return checks
    .filter((c) => !(missing && c.id === 'token'))
    .map((c) => {
      const variant = variantOf(c);
      return { code: c.code, template: (variant && catalogues[lang].advice[variant]) || catalogues[lang].advice[c.code] };
    })
    .filter((a): a is { code: CheckResult['code']; template: string } => a.template !== undefined)
    .map((a) => ({ code: a.code, text: render(a.template, { ...words }) }))
    .filter((a) => !seen.has(a.text) && Boolean(seen.add(a.text)));
}

export async function diagnose(runner: CheckRunner, words: AdviceWords, req: DiagnoseRequest, nowMs: number): Promise<DiagnosticReport> {
  const lang = req.lang ?? 'en';
  const input: CheckInput = {
    user: req.user,
    lang,
    ...(req.ip ? { ip: req.ip } : {}),
    ...(req.code ? { code: req.code } : {}),
    ...(req.deviceTime ? { deviceTime: { text: req.deviceTime, receivedAtMs: req.deviceTimeAt ?? nowMs, typed: false } } : {}),
  };
  const applying = (runner.checks ?? CHECKS).filter((c) => c.inReport(input));
  // A runner given checks beside the built-in ones runs those by their own ids.
  const outputs = await Promise.all(applying.map((c) => runner.run(c.id as CheckId, input)));
  const checks = outputs.map((o) => o.result);
  // A clock skew established from codes is better than "unmeasured".
  for (const extra of outputs.flatMap((o) => o.extra ?? [])) {
    const i = checks.findIndex((c) => c.id === extra.id);
    if (i >= 0 && checks[i]?.status === 'unknown') checks[i] = extra;
  }
  return {
    version: 1,
    subject: { user: req.user, ...(req.ip ? { ip: req.ip } : {}) },
    generatedAt: new Date(nowMs).toISOString(),
    checks,
    advice: adviceFor(checks, lang, words),
  };
}

const MARK = { pass: '✔', warn: '!', fail: '✘', unknown: '?' } as const;

export function formatReport(report: DiagnosticReport, lang: Lang): string {
  const c = catalogues[lang];
  const lines = [`${report.subject.user}${report.subject.ip ? ` @ ${report.subject.ip}` : ''} — ${report.generatedAt}`];
  for (const check of shownChecks(report)) {
    lines.push(`${MARK[check.status]} ${(c.checkTitle[check.id] ?? check.id).padEnd(8)} ${c.statusLabel[check.status].padEnd(7)} ${check.summary}  [${check.code}]`);
  }
  if (report.advice.length) {
    lines.push('');
    for (const a of report.advice) lines.push(`• ${a.text}`);
  }
  return lines.join('\n');
}
