// Routes free text to a topic by the keywords each flow declares, in either language, and guesses
// the language from which keywords matched.
import type { Lang } from '../i18n/index.ts';
import { normalise } from './input.ts';
import type { FlowSet } from './schema.ts';

export interface Route {
  flow: string | undefined;
  lang: Lang | undefined;
}

const SWEDISH_HINTS = ['jag', 'inte', 'min', 'mitt', 'koden', 'fungerar', 'hej', 'hjalp', 'och', 'det', 'har', 'behover', 'fran'];

function contains(haystack: string, needle: string): boolean {
  return ` ${haystack} `.includes(` ${needle} `);
}

export function route(flows: FlowSet, text: string): Route {
  const said = normalise(text);
  let best: { flow: string; score: number; lang: Lang } | undefined;
  for (const flow of flows.values()) {
    for (const lang of ['en', 'sv'] as const) {
      let score = 0;
      for (const keyword of flow.keywords[lang]) {
        const k = normalise(keyword);
        // Longer phrases are stronger evidence than single words.
        if (k && contains(said, k)) score += k.split(' ').length * 2 + (k.length > 6 ? 1 : 0);
      }
      if (score > 0 && (!best || score > best.score)) best = { flow: flow.id, score, lang };
    }
  }
  const words = said.split(' ');
  const swedish = words.filter((w) => SWEDISH_HINTS.includes(w)).length;
  const lang: Lang | undefined = best?.lang ?? (swedish >= 2 || /[åäö]/i.test(text) ? 'sv' : undefined);
  return { flow: best?.flow, lang };
}
