// What support staff do from a chat platform: a diagnostic report for someone, the latest
// conversation about them, a ticket. The report comes as one view model that every platform
// renders in its own idiom (Block Kit, Discord components, text).
import type { Lang } from './lang.ts';
import type { FindingStatus } from './conversations.ts';

export interface StaffReportView {
  /** "Diagnostics for alice", in the staff's language. */
  heading: string;
  user: string;
  ip?: string;
  /** When the report was made, `YYYY-MM-DD HH:MM` UTC. */
  generatedAt: string;
  lines: Array<{ check: string; status: FindingStatus; code: string; text: string }>;
  /** The title of `actions`, and what to do next (empty when nothing is to be done). */
  nextSteps: string;
  actions: string[];
  /** Button labels. */
  labels: { runAgain: string; showTranscript: string; openTicket: string };
}

export interface StaffTarget {
  /** A username or an e-mail address, already parsed. */
  who: string;
  ip?: string;
}

export interface StaffDesk {
  report(target: StaffTarget, lang: Lang): Promise<StaffReportView>;
  /** The transcript of the latest conversation on `platform` about `who` (empty when none). */
  latestTranscript(platform: string, who: string): Promise<string[]>;
  /**
   * A ticket with a fresh report and the person's latest conversation on that platform; `label` is
   * the platform's name as people write it (Slack), `staffId` who asked and `staffName` how the
   * platform shows them (the ticket names them so, never by id or mention).
   */
  openTicket(o: StaffTarget & { platform: string; label: string; staffId: string; staffName?: string }): Promise<string>;
}
