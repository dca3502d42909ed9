// Turns a flow's message reference into text in one language.
import { catalogues, type Lang } from '../i18n/index.ts';
import type { CheckCode } from '../checks/catalogue.ts';
import type { Flow, MessageRef } from './schema.ts';

export function messageTemplate(flow: Flow, ref: MessageRef, lang: Lang): string | undefined {
  if (typeof ref !== 'string') return ref[lang];
  if (ref.startsWith('advice.')) return catalogues[lang].advice[ref.slice('advice.'.length) as CheckCode];
  return flow.messages[ref]?.[lang] ?? catalogues[lang].shared[ref];
}
