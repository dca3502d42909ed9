// What staff do from a chat platform, built from the checks and the conversations: a diagnostic
// report as the one view model every platform renders, the latest transcript about someone, and a
// ticket opened from a report.
import { diagnose } from '../checks/diagnose.ts';
import type { DiagnosticReport } from '../checks/diagnose.ts';
import { staffActions, staffLines } from '../checks/staff-report.ts';
import type { CheckRunner } from '../checks/index.ts';
import type { ConversationRunner } from '../engine/runner.ts';
import type { CentreWords } from '../flows/words.ts';
import { catalogues, render, type Lang } from '../i18n/index.ts';
import type { Logger } from '../ports/logger.ts';
import type { StaffDesk, StaffReportView, StaffTarget } from '../ports/staff-desk.ts';
import type { ConversationLookup } from '../ports/store.ts';
import type { Snapshot } from '../engine/snapshot.ts';
import type { TicketSink } from '../ports/tickets.ts';
import type { Clock } from '../ports/time.ts';

export interface StaffDeskDeps {
  checks: CheckRunner;
  words: CentreWords;
  runner: Pick<ConversationRunner, 'transcript'>;
  lookup: ConversationLookup<Snapshot>;
  handover: TicketSink;
  clock: Clock;
  log: Logger;
}

/** The report as staff read it on any platform: heading, one line a check, what to do, button labels. */
export function staffReportView(report: DiagnosticReport, lang: Lang, words: CentreWords): StaffReportView {
  const t = catalogues[lang].staff;
  return {
    heading: render(t.heading, { who: report.subject.user }),
    user: report.subject.user,
    ...(report.subject.ip ? { ip: report.subject.ip } : {}),
    generatedAt: report.generatedAt.slice(0, 16).replace('T', ' '),
    lines: staffLines(report, lang).map(({ check, text }) => ({ check: check.id, status: check.status, code: check.code, text })),
    nextSteps: t.next_steps,
    actions: staffActions(report, lang, { ...words }),
    labels: { runAgain: t.run_again, showTranscript: t.show_transcript, openTicket: t.open_ticket },
  };
}

export function createStaffDesk(d: StaffDeskDeps): StaffDesk {
  const run = (t: StaffTarget, lang: Lang) => diagnose(d.checks, d.words, { user: t.who, lang, ...(t.ip ? { ip: t.ip } : {}) }, d.clock.now());
  return {
    async report(target, lang) {
      return staffReportView(await run(target, lang), lang, d.words);
    },
    async latestTranscript(platform, who) {
      const conv = await d.lookup.latestAbout(`${platform}:`, who);
      return conv ? d.runner.transcript(conv, 'en') : [];
    },
    async openTicket(o) {
      const report = await run(o, 'en');
      const conv = await d.lookup.latestAbout(`${o.platform}:`, o.who);
      const { reference } = await d.handover.open({
        conversationId: conv?.id ?? `${o.platform}-staff:${o.staffId}`,
        urgent: false,
        lang: 'en',
        subject: { user: o.who, ...(o.ip ? { ip: o.ip } : {}), identity: 'staff' },
        note: render(catalogues.en.channel.staff_ticket_note, { platform: o.label, staff: o.staffName ?? catalogues.en.channel.staff_someone }),
        transcript: conv ? d.runner.transcript(conv, 'en') : [],
        findings: report.checks,
        createdAt: new Date(d.clock.now()).toISOString(),
      });
      d.log.info('ticket opened by staff', { ticket: reference, by: o.staffId, platform: o.platform });
      return reference;
    },
  };
}
