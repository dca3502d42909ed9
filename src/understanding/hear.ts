// Reads one message for facts and its language, with the understanding's extractors and language
// identifier, and turns what they find into the engine's typed slots.
import { extractSlots } from './extract.ts';
import type { Lang } from '../i18n/index.ts';
import { identifyLanguage } from './language.ts';
import type { Facts } from '../ports/understanding.ts';
import type { FlowSet } from '../flows/schema.ts';
import type { FactReaders } from './extract.ts';
import { factRulesOf } from './fact-rules.ts';

/** The extractors' readers from a flow set's fact rules (the takeover). */
export function factReadersOf(flows: FlowSet): FactReaders {
  const takeover = factRulesOf(flows).get('takeover');
  return takeover ? { takeover } : {};
}

/** The facts of a message, the phone's time as the engine keeps it ("14:32:05"). */
export type Extraction = Facts<string>;

/** The facts of one message; `flows` brings the facts written as rules in its folder (a takeover). */
export function hear(text: string, lang: Lang | undefined, flows?: FlowSet): Extraction {
  const x = extractSlots(text, lang, flows ? factReadersOf(flows) : {});
  const t = x.deviceTime;
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    ...(x.username ? { username: x.username } : {}),
    ...(x.email ? { email: x.email } : {}),
    codes: x.codes,
    ...(t ? { deviceTime: `${pad(t.hours)}:${pad(t.minutes)}${t.seconds !== undefined ? `:${pad(t.seconds)}` : ''}` } : {}),
    ...(x.platform ? { platform: x.platform } : {}),
    ...(x.device ? { device: x.device } : {}),
    ...(x.inSweden !== undefined ? { inSweden: x.inSweden } : {}),
    ...(x.place ? { place: x.place.toLowerCase() } : {}),
    ...(x.registeredMinutesAgo !== undefined ? { registeredMinutesAgo: x.registeredMinutesAgo } : {}),
    ...(x.wantsHuman ? { wantsHuman: true } : {}),
    ...(x.takeover ? { takeover: true } : {}),
    ...(x.outOfScope ? { outOfScope: x.outOfScope } : {}),
    ...(x.codeNoted ? { codeNoted: true } : {}),
  };
}

export interface HeardLanguage {
  lang?: Lang;
  confidence: number;
}

/** The language of one message, by the understanding's own identifier (not the topic's confidence). */
export function identify(text: string): HeardLanguage {
  return identifyLanguage(text);
}
