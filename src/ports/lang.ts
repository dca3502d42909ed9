// The languages the helpdesk speaks; the catalogues (src/i18n/) hold one set of messages for each.
// The one definition: the list, the schema where a language enters (a setting, a request, a stored
// row) and its type. The web page's scripts use the list and `isLang` without bundling zod.
import { z } from 'zod';

export const LANGS = ['en', 'sv'] as const;
export const Lang = /* @__PURE__ */ z.enum(LANGS, { error: 'en or sv' });
export type Lang = z.infer<typeof Lang>;

/** Whether a value from outside the type checker (a stored choice, a data attribute) is a language. */
export const isLang = (value: unknown): value is Lang => (LANGS as readonly unknown[]).includes(value);
