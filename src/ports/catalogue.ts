// The catalogue renderer a channel sees: every sentence a person reads comes from the catalogues
// (src/i18n), in English and Swedish; a channel names a text by its key and gives the values.
export type Lang = 'en' | 'sv';

/** The texts of the catalogue's `channel` section: what chat platforms say around a conversation. */
export type ChannelText =
  /** Staff diagnostics asked for by someone who is not staff; `platform` and `command` are values. */
  | 'refusal'
  | 'home_title'
  | 'home_intro'
  | 'never_share'
  | 'clock_button'
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
  | 'staff_ticket_note';

export interface Wording {
  /** The text `key` in `lang`, with the centre's words (`centre`, `support_url`, …) and `vars` filled in. */
  say(lang: Lang, key: ChannelText, vars?: Record<string, unknown>): string;
  /** 'sv' for a Swedish locale (sv, sv-SE, sv_FI), else 'en'. */
  langOfLocale(locale: string | undefined | null): Lang;
  /** The language a message is written in, when it says enough to tell. */
  guessLang(text: string): Lang | undefined;
}
