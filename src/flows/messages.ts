// Turns a flow's message reference into text in one language.
import { catalogues, type Lang } from '../i18n/index.ts';
import type { CheckCode } from '../checks/catalogue.ts';
import type { Flow, MessageRef } from './schema.ts';

/** `platform`: the person's phone, when they said; advice for that phone is said in place of the general one. */
export function messageTemplate(flow: Flow, ref: MessageRef, lang: Lang, platform?: string): string | undefined {
  if (typeof ref !== 'string') return ref[lang];
  if (ref.startsWith('advice.')) {
    const code = ref.slice('advice.'.length) as CheckCode;
    const own = platform === 'android' || platform === 'ios' ? catalogues[lang].platformAdvice[platform][code] : undefined;
    return own ?? catalogues[lang].advice[code];
  }
  return flow.messages[ref]?.[lang] ?? catalogues[lang].shared[ref];
}
