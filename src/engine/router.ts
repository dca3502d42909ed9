// Routes free text to a topic by the keywords each flow declares, in either language, and guesses
// the language from which keywords matched.
import type { Lang } from '../i18n/index.ts';
import { normalise, normaliseKnown } from './input.ts';
import type { FlowSet } from './schema.ts';

export interface Route {
  flow: string | undefined;
  lang: Lang | undefined;
}

const SWEDISH_HINTS = ['jag', 'inte', 'min', 'mitt', 'koden', 'fungerar', 'hej', 'hjalp', 'och', 'det', 'har', 'behover', 'fran'];

type Keyword = { flow: string; lang: Lang; text: string; weight: number };
const keywordCache = new WeakMap<FlowSet, Keyword[]>();

function keywordsOf(flows: FlowSet): Keyword[] {
  let list = keywordCache.get(flows);
  if (!list) {
    list = [];
    for (const flow of flows.values()) {
      for (const lang of ['en', 'sv'] as const) {
        for (const keyword of flow.keywords[lang]) {
          const text = normaliseKnown(keyword);
          // Longer phrases are stronger evidence than single words.
          if (text) list.push({ flow: flow.id, lang, text: ` ${text} `, weight: text.split(' ').length * 2 + (text.length > 6 ? 1 : 0) });
        }
      }
    }
    keywordCache.set(flows, list);
  }
  return list;
}

export function route(flows: FlowSet, text: string): Route {
  const said = normalise(text);
  const padded = ` ${said} `;
  const scores = new Map<string, { flow: string; lang: Lang; score: number }>();
  for (const k of keywordsOf(flows)) {
    if (!padded.includes(k.text)) continue;
    const key = `${k.flow}/${k.lang}`;
    const entry = scores.get(key) ?? { flow: k.flow, lang: k.lang, score: 0 };
    entry.score += k.weight;
    scores.set(key, entry);
  }
  let best: { flow: string; score: number; lang: Lang } | undefined;
  for (const e of scores.values()) if (!best || e.score > best.score) best = e;
  const words = said.split(' ');
  const swedish = words.filter((w) => SWEDISH_HINTS.includes(w)).length;
  const lang: Lang | undefined = best?.lang ?? (swedish >= 2 || /[åäö]/i.test(text) ? 'sv' : undefined);
  return { flow: best?.flow, lang };
}
