// `2fa-helpdesk understand`: one message read exactly as the chat reads it. The message runs through
// the engine's own turn (transition) at the position asked for, so the language, the facts, the
// meaning and what the conversation then does are the chat's, not a second pipeline's.
import type { Lang } from '../i18n/index.ts';
import type { Position } from '../ports/understanding.ts';
import { newSnapshot } from './snapshot.ts';
import { transition, type EngineEnv } from './transition.ts';

export interface Understood {
  text: string;
  /** The conversation's language after this message: the chat's answer is in it. */
  lang: Lang;
  action: string;
  intent: string | null;
  topic: string | null;
  choice: string | null;
  confidence: number;
  /** The knowledge-base entry the chat answered with, if it did. */
  knowledge: string | null;
  /** Where the conversation stands after the message, and what it asked for (a check, a ticket, …). */
  then: { status: string; flow: string | null; step: string | null; effect: string | null };
}

export function understandAsChat(env: EngineEnv, at: Position, text: string, lang?: Lang): Understood {
  const s = { ...newSnapshot('understand:1', env.now, lang ? { lang } : {}), ...at, ...(lang ? { langFixed: true } : {}) };
  const r = transition(env, s, { type: 'text', text });
  const m = r.understood?.meaning;
  // Answered from the knowledge base: the transcript names the entry
  // (`kb:<entry>`), or says nothing answers it (`unknown`).
  const said = r.snapshot.transcript.filter(([, who]) => who === 'b').map(([, , line]) => line);
  const kb = said.find((line) => line.startsWith('kb:'));
  const knowledge = kb ? kb.slice(3) : said.includes('sys:knowledge_unknown') ? 'unknown' : null;
  return {
    text,
    lang: r.snapshot.lang,
    knowledge,
    action: knowledge ? 'answer' : (m?.action ?? 'unclear'),
    intent: knowledge ? `knowledge:${knowledge}` : (m?.intent ?? null),
    topic: m?.topic ?? null,
    choice: m?.choice ?? null,
    confidence: m?.confidence ?? 0,
    then: { status: r.snapshot.status, flow: r.snapshot.flow, step: r.snapshot.step, effect: r.effect?.type ?? null },
  };
}
