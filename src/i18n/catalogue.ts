// The shape of a message catalogue, and the one placeholder renderer every message goes through.
import type { ChannelText, PageKey, PrivacyText, WebText } from '../ports/catalogue.ts';
import type { CheckCode, CheckId, CheckVariant } from '../ports/checks.ts';
import { LANGS, type Lang } from '../ports/lang.ts';

export { LANGS, type Lang };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** Phones with advice of their own (the `platform` slot's android and ios). */
export type PhonePlatform = 'android' | 'ios';

/** Data a summary or advice text may use. */
export type SummaryData = Record<string, unknown>;

export interface Catalogue {
  /** Engine and channel messages, with `{placeholders}`. */
  system: Record<SystemKey, string>;
  /** Messages every flow may reference by key (choice labels and common questions). */
  shared: Record<string, string>;
  summary: Record<CheckCode, (d: SummaryData) => string>;
  /** Advice per outcome; a variant (account.inactive-locked) is said instead of its outcome's when it applies. */
  advice: Partial<Record<CheckCode | CheckVariant, string>>;
  /** Advice for the person's kind of phone, said in place of `advice` when the phone is known. */
  platformAdvice: Record<PhonePlatform, Partial<Record<CheckCode, string>>>;
  statusLabel: Record<'pass' | 'warn' | 'fail' | 'unknown', string>;
  checkTitle: Record<CheckId, string>;
  /** E-mail the bot sends to a person (the proof-of-identity code). */
  mail: Record<MailKey, string>;
  /** What the Slack and Discord channels say outside a conversation's turns. */
  channel: Record<ChannelKey, string>;
  /** The outcomes report for the centre, in the language asked for (`--lang`, else STAFF_LANG). */
  report: Record<ReportKey, string>;
  /** The diagnostic report in a staff voice: a line per outcome, with the facts, and labels. */
  staff: Record<StaffKey, string>;
  /** What staff should do about an outcome. */
  staffAction: Partial<Record<CheckCode | CheckVariant, string>>;
  /** The web channel's server-rendered pages (support form, thanks, clock check, bad link). */
  web: Record<WebKey, string>;
  /** The chat page's own words (buttons, labels, footer), handed to the page as data. */
  page: Record<PageKey, string>;
  /** The privacy notice (/privacy): what is kept, why, for how long, and who to ask. */
  privacy: Record<PrivacyKey, string>;
}


export type { PageKey };


export type StaffKey =
  | CheckCode
  | CheckVariant
  | 'token.drift'
  | 'code.consumed'
  | 'clock.unmeasured-ntp'
  | 'unknown'
  | 'never'
  | 'none'
  | 'ref_ntp'
  | 'ref_host'
  | 'source_stated'
  | 'source_typed'
  | 'source_browser'
  | 'source_codes'
  | 'next_steps'
  | 'run_again'
  | 'show_transcript'
  | 'open_ticket'
  | 'heading';

/** The channel texts, the web pages' and the privacy notice's are named by the port channels see (src/ports/catalogue.ts). */
export type ChannelKey = ChannelText;
export type WebKey = WebText;
export type PrivacyKey = PrivacyText;

/** 'sv' for a Swedish locale (sv, sv-SE, sv_FI), else 'en'. */
export function langOfLocale(locale: string | undefined | null): Lang {
  return locale && /^sv\b|^sv[-_]/i.test(locale) ? 'sv' : 'en';
}

/** The outcomes report for the centre (`2fa-helpdesk report`): its headings, columns and labels. */
export type ReportKey =
  | 'title'
  | 'none_ended'
  | 'col_topic'
  | 'col_lang'
  | 'col_conversations'
  | 'col_solved'
  | 'col_handed'
  | 'col_staff_solved'
  | 'col_abandoned'
  | 'col_out_of_scope'
  | 'col_median'
  | 'col_helped'
  | 'all_topics'
  | 'no_topic'
  | 'topics_menu'
  | 'helped_of'
  | 'solved_how'
  | 'gave_up'
  | 'not_understood'
  | 'comments'
  | 'none'
  | 'yes'
  | 'no';

export type MailKey = 'proof_subject' | 'proof_body' | 'held_back_subject' | 'held_back_body' | 'active_subject' | 'active_body' | 'where_other' | 'from_address';

export type SystemKey =
  | 'not_saved'
  | 'taking_username'
  | 'username_corrected'
  | 'value_corrected'
  | 'code_not_username'
  | 'code_not_the_problem'
  | 'platform_corrected'
  | 'username_noted'
  | 'found_so_far'
  | 'found_all_fine'
  | 'phone_ios'
  | 'phone_android'
  | 'phone_other'
  | 'handover_wait'
  | 'handover_wait_again'
  | 'how_long'
  | 'ticket_status_new'
  | 'ticket_status_open'
  | 'ticket_status_waiting'
  | 'ticket_status_resolved'
  | 'handover_solved'
  | 'followup_code_hint'
  | 'handover_cancelled'
  | 'handover_closing'
  | 'handover_nothing_more'
  | 'followup_added'
  | 'out_of_scope_password'
  | 'out_of_scope_jobs'
  | 'out_of_scope_cluster_down'
  | 'greeting'
  | 'menu_prompt'
  | 'not_understood'
  | 'pick_one'
  | 'empty_input'
  | 'too_long'
  | 'unprintable'
  | 'secret_warning'
  | 'apology'
  | 'expired'
  | 'welcome_back'
  | 'ended'
  | 'ended_hint'
  | 'escalated'
  | 'escalated_urgent'
  | 'reach_ask'
  | 'reach_here_label'
  | 'reach_email'
  | 'reach_email_kept'
  | 'reach_unproven'
  | 'reach_here'
  | 'reach_none'
  | 'escalation_failed'
  | 'bad_code_format'
  | 'bad_time_format'
  | 'bad_ip'
  | 'bad_username'
  | 'checking'
  | 'findings'
  | 'step_of'
  | 'picture_scan_qr'
  | 'picture_code_entry'
  | 'nothing_to_skip'
  | 'watch_started'
  | 'watch_already'
  | 'watch_stopped'
  | 'watch_none'
  | 'watch_active'
  | 'watch_overdue'
  | 'same_code_again'
  | 'ip_help'
  | 'username_help'
  | 'code_help'
  | 'time_help'
  | 'text_help'
  | 'pick_help'
  | 'nothing_sent_note'
  | 'first_code_note'
  | 'knowledge_source'
  | 'knowledge_offer'
  | 'clarify_topic'
  | 'knowledge_unknown'
  | 'knowledge_unknown_offer'
  | 'takeover_again'
  | 'takeover_heading'
  | 'welcome'
  | 'closing_again'
  | 'clarify_choice'
  | 'out_of_scope'
  | 'proof_sent'
  | 'proof_wrong'
  | 'proof_expired'
  | 'proof_locked'
  | 'proven'
  | 'repair_cancelled'
  | 'repair_nothing_to_cancel'
  | 'resume'
  | 'repair_chitchat'
  | 'repair_done'
  | 'repair_unsure'
  | 'repair_question_back'
  | 'ended_next'
  | 'feedback_ask'
  | 'feedback_yes'
  | 'feedback_no'
  | 'feedback_comment'
  | 'feedback_thanks';

const PLACEHOLDER = /\{([a-zA-Z_][\w.]*)\}/g;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Replaces `{name}` with vars[name] (`extra`'s own, when it has the name); an unknown name is left
 * visible rather than silently dropped.
 */
export function render(template: string, vars: Record<string, unknown>, extra?: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = extra && Object.hasOwn(extra, name) ? extra[name] : vars[name];
    if (value === undefined || value === null) return whole;
    if (Array.isArray(value)) return value.join(', ');
    return String(value);
  });
}

/** Minutes in the words people use: "1 minute", "2 hours 5 minutes", "3 days"; Swedish alike. */
export function formatMinutes(total: number, lang: Lang): string {
  const m = Math.max(0, Math.round(total));
  const unit = (n: number, en: [string, string], sv: [string, string]) => `${n} ${(lang === 'sv' ? sv : en)[n === 1 ? 0 : 1]}`;
  const mins = (n: number) => unit(n, ['minute', 'minutes'], ['minut', 'minuter']);
  const hours = (n: number) => unit(n, ['hour', 'hours'], ['timme', 'timmar']);
  const days = (n: number) => unit(n, ['day', 'days'], ['dag', 'dagar']);
  const and = lang === 'sv' ? ' och ' : ' ';
  if (m < 60) return mins(m);
  if (m < 24 * 60) return m % 60 ? `${hours(Math.floor(m / 60))}${and}${mins(m % 60)}` : hours(m / 60);
  const d = Math.floor(m / (24 * 60));
  const h = Math.round((m % (24 * 60)) / 60);
  return h ? `${days(d)}${and}${hours(h)}` : days(d);
}
