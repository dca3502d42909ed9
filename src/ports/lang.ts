// The languages the helpdesk speaks; the catalogues (src/i18n/) hold one set of messages for each.
// The one definition: a schema where a language enters (a setting, a request, a stored row) and its type.
import { z } from 'zod';

export const Lang = z.enum(['en', 'sv'], { error: 'en or sv' });
export type Lang = z.infer<typeof Lang>;
export const LANGS = Lang.options;
