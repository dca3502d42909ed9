// The catalogue renderer a channel sees: every sentence a person reads comes from the catalogues
// (src/i18n), in English and Swedish; a channel names a text by its key and gives the values.
import type { Lang } from './lang.ts';

/** The texts of the catalogue's `channel` section: what chat platforms say around a conversation. */
export type ChannelText =
  /** Staff diagnostics asked for by someone who is not staff; `platform` and `command` are values. */
  | 'refusal'
  | 'home_title'
  | 'home_intro'
  | 'never_share'
  | 'clock_button'
  | 'checklist_title'
  | 'one_moment'
  | 'no_profile_email'
  | 'not_an_ip'
  | 'diagnose_usage'
  | 'latest_conversation'
  | 'no_conversation'
  | 'ticket_opened'
  | 'something_wrong'
  | 'thread_opened'
  | 'dm_sent'
  | 'staff_ticket_note'
  /** The staff channel: what the person is told of a staff member, and the card and notes staff read. */
  | 'staff_reply'
  | 'staff_owns'
  | 'staff_closed'
  | 'card_title'
  | 'card_urgent'
  | 'card_who_proven'
  | 'card_who_unproven'
  | 'card_who_unknown'
  | 'card_where'
  | 'card_findings'
  | 'card_no_findings'
  | 'card_last_lines'
  | 'card_owner'
  | 'card_unowned'
  | 'card_closed'
  | 'card_claim'
  | 'card_diagnose'
  | 'card_close'
  | 'staff_owned_by'
  | 'staff_to_ticket_closed'
  | 'staff_to_ticket_away'
  | 'staff_reply_failed'
  | 'staff_closed_note'
  | 'staff_reply_note'
  | 'staff_no_account'
  | 'staff_followup'
  /** A staff member whose name the platform cannot tell (tickets and cards never carry a mention). */
  | 'staff_someone';

/** The texts of the web pages the server renders (support form, thanks, clock check, bad link). */
/** The chat page's own words (buttons, labels, footer, what it shows while the helpdesk works). */
export type PageKey =
  | 'title'
  | 'label'
  | 'placeholder'
  | 'send'
  | 'never'
  | 'form'
  | 'clock'
  | 'ip'
  | 'error'
  | 'slow'
  | 'scan'
  | 'thisDevice'
  | 'reference'
  | 'measureHere'
  | 'handedOver'
  | 'copy'
  | 'copied'
  | 'local'
  | 'working'
  | 'clockPhone'
  | 'clockTrue'
  | 'clockAhead'
  | 'clockBehind';

export type WebText =
  | 'network_note'
  | 'support_title'
  | 'support_intro'
  | 'name'
  | 'email'
  | 'username'
  | 'what'
  | 'attached_conversation'
  | 'attached_findings'
  | 'existing_ticket'
  | 'response_time'
  | 'submit'
  | 'thanks'
  | 'reference'
  | 'back_to_chat'
  | 'bad_link'
  | 'form_expired'
  | 'check_field'
  | 'clock_title'
  | 'clock_measuring'
  | 'clock_done'
  | 'clock_measured_ntp'
  | 'clock_measured_host'
  | 'unit_h'
  | 'unit_d'
  | 'unit_wd';

/** The texts of the privacy notice (/privacy). */
export type PrivacyText =
  | 'title'
  | 'intro'
  | 'kept_heading'
  | 'col_what'
  | 'col_why'
  | 'col_how_long'
  | 'conversations_what'
  | 'conversations_why'
  | 'conversations_how_long'
  | 'silent_what'
  | 'silent_how_long'
  | 'addresses_what'
  | 'addresses_why'
  | 'addresses_how_long'
  | 'tickets_what'
  | 'tickets_why'
  | 'tickets_how_long'
  | 'watches_what'
  | 'watches_why'
  | 'never'
  | 'platforms_heading'
  | 'platforms'
  | 'logs'
  | 'rights_heading'
  | 'rights'
  | 'controller';

export interface Wording {
  /** The text `key` in `lang`, with the centre's words (`centre`, `support_url`, …) and `vars` filled in. */
  say(lang: Lang, key: ChannelText, vars?: Record<string, unknown>): string;
  /** 'sv' for a Swedish locale (sv, sv-SE, sv_FI), else 'en'. */
  langOfLocale(locale: string | undefined | null): Lang;
  /** The language a message is written in, when it says enough to tell. */
  guessLang(text: string): Lang | undefined;
  /** A text of the web pages, rendered like `say`. */
  web(lang: Lang, key: WebText, vars?: Record<string, unknown>): string;
  /** A text of the privacy notice, rendered like `say`. */
  privacy(lang: Lang, key: PrivacyText, vars?: Record<string, unknown>): string;
  /** What to do about a check's outcome (`clock.skewed`), rendered like `say`; undefined when there is no advice. */
  advice(lang: Lang, code: string): string | undefined;
  /** The chat page's own words (buttons, labels), unrendered: the page's script shows them. */
  pageWords(lang: Lang): Readonly<Record<PageKey, string>>;
  /** Minutes in the words people use: "2 hours 5 minutes", "2 timmar och 5 minuter". */
  duration(minutes: number, lang: Lang): string;
  /** A response-time setting (`1wd`, `4h`) in words: "1 working day". */
  responseTime(setting: string, lang: Lang): string;
}
