// `2fa-helpdesk understand`: one message read exactly as the chat reads it. The message runs through
// the engine's own turn (transition) at the position asked for, so the language, the facts, the
// meaning and what the conversation then does are the chat's, not a second pipeline's.
import type { Lang } from '../i18n/index.ts';
import type { Meaning, Position } from '../ports/understanding.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
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

/**
 * What the turn did when the facts decided over the words ("reset my SUPR password" is out of
 * scope, whatever the classifier's nearest topic; a stolen phone opens its topic): reported as
 * the chat acted, so `understand` never names a topic the chat did not open.
 */
function actedOn(env: EngineEnv, said: string[], meaning: Meaning | undefined): Pick<Understood, 'action' | 'intent' | 'topic'> | undefined {
  if (said.some((line) => line.startsWith('sys:out_of_scope'))) return { action: 'unclear', intent: 'none', topic: null };
  const started = said.find((line) => line.startsWith('flow:'))?.slice(5);
  if (!started) return undefined;
  const human = parseOpening(opensOf(env.flows, env.opens).human)?.flow;
  if (started === human) return meaning?.action === 'handover' ? undefined : { action: 'handover', intent: 'human', topic: started };
  return started === meaning?.topic ? undefined : { action: 'topic', intent: started, topic: started };
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
  const acted = actedOn(env, said, m);
  return {
    text,
    lang: r.snapshot.lang,
    knowledge,
    action: knowledge ? 'answer' : (acted?.action ?? m?.action ?? 'unclear'),
    intent: knowledge ? `knowledge:${knowledge}` : acted ? acted.intent : (m?.intent ?? null),
    topic: acted ? acted.topic : (m?.topic ?? null),
    choice: acted ? null : (m?.choice ?? null),
    confidence: m?.confidence ?? 0,
    then: { status: r.snapshot.status, flow: r.snapshot.flow, step: r.snapshot.step, effect: r.effect?.type ?? null },
  };
}
