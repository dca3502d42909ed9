// The languages the helpdesk speaks; the catalogues (src/i18n/) hold one set of messages for each.
export const LANGS = ['en', 'sv'] as const;
export type Lang = (typeof LANGS)[number];
