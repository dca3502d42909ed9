// Whether the knowledge base answers a message, given what the message means where the
// conversation stands: a question an entry answers ("which app should I use?"), or a question about
// two-factor that neither an entry nor a topic answers ("can I use a passkey?": "I don't know
// that"). Facts decide first (a person, a takeover), a prompt's own answer and a choice typed as
// such stay theirs, and a topic that knows the message better keeps it. Pure: the turn acts on it,
// `understand` and `flows test` print and measure it.
import { factIn, factRulesOf } from './fact-rules.ts';
import type { Interpretation, Position } from './interpret.ts';
import { knowledgeMatcherOf } from './knowledge-match.ts';
import { knowledgeOf, type KnowledgeEntry } from '../flows/knowledge.ts';
import type { FlowSet } from '../flows/schema.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';

/** How much nearer than the other meaning an entry must be, unless that meaning is the entry's own topic. */
export const KNOWLEDGE_MARGIN = 0.1;
/**
 * How sure a topic or intent must be to keep a question whether something works, may be used or
 * costs, that no entry answers ("does it work on Linux?" is no token problem at 0.3).
 */
export const CAPABILITY_KEEPS = 0.6;

export type Consulted = { kind: 'answer'; entry: KnowledgeEntry; score: number; also: KnowledgeEntry[]; opens: boolean } | { kind: 'unknown' };

/** What the message meant otherwise leaves room for an answer from the base. */
function open(s: Position, flows: FlowSet, meaning: Interpretation): boolean {
  const step = s.status === 'active' && s.flow ? flows.get(s.flow)?.steps[s.step ?? ''] : undefined;
  // A note for support takes whatever is typed; a prompt's parsed answer and a literal choice are answers.
  if (step?.kind === 'input' && (step.input === 'text' || (meaning.action === 'answer' && meaning.intent === null && meaning.confidence > 0))) return false;
  if (meaning.action === 'choice' && meaning.confidence >= 0.999) return false;
  return meaning.action !== 'handover' && meaning.action !== 'menu' && meaning.action !== 'skip';
}

/**
 * The base's answer to `text`, or undefined when the message is not one for it. `meaning` is what
 * the message means otherwise (the facts' decision, or the interpretation).
 */
export function consultKnowledge(flows: FlowSet, s: Position, text: string, meaning: Interpretation): Consulted | undefined {
  const matcher = knowledgeMatcherOf(flows);
  if (!matcher) return undefined;
  if (meaning.action === 'handover') return wayToAPerson(flows, s, text, meaning);
  if (!open(s, flows, meaning)) return undefined;
  // Several questions in one message, two or more of them the base's: each answered, whatever the
  // whole message is nearest ("do I need it from home, and which app?" is no one topic's).
  const asked = meaning.action === 'topic' || meaning.action === 'unclear' || meaning.action === 'answer' ? matcher.questionsAsked(text) : [];
  const kb = knowledgeOf(flows).knowledge;
  const [first, ...rest] = asked.flatMap((id) => kb.get(id) ?? []);
  if (first && rest.length) return { kind: 'answer', entry: first, score: 1, also: rest, opens: false };
  const hit = matcher.match(text);
  if (!hit) return undefined;
  if (hit.kind === 'answer') {
    const entry = knowledgeOf(flows).knowledge.get(hit.id ?? '');
    if (!entry) return undefined;
    const ownTopic = meaning.action === 'topic' && meaning.topic !== null && meaning.topic === entry.topic;
    const unread = meaning.action === 'unclear' || (meaning.action === 'answer' && meaning.intent === null);
    if (!(unread || ownTopic || hit.score >= meaning.confidence + KNOWLEDGE_MARGIN)) return undefined;
    const also = matcher.alsoAsked(text, entry.id).flatMap((id) => knowledgeOf(flows).knowledge.get(id) ?? []);
    return { kind: 'answer', entry, score: hit.score, also, opens: hit.said === true };
  }
  // Whether something works, may be used or costs, and nothing is sure of it: say so, rather than guess.
  if (hit.capability && meaning.confidence < CAPABILITY_KEEPS) return { kind: 'unknown' };
  // Nothing else understood it, and it is about two-factor: the same.
  const about = factRulesOf(flows).get('about_two_factor');
  const unread = meaning.action === 'unclear' || (meaning.action === 'answer' && meaning.intent === null && meaning.confidence === 0);
  return unread && about && factIn(about, text) ? { kind: 'unknown' } : undefined;
}

/**
 * "How do I contact support?" asks the way to a person, it does not ask for one: the entry of the
 * hand-over topic answers it when the message names its words (its `needs`: "how do I reach",
 * "the support email", "hur når jag"); "can I talk to a person?" is still a hand-over.
 */
function wayToAPerson(flows: FlowSet, s: Position, text: string, meaning: Interpretation): Consulted | undefined {
  const step = s.status === 'active' && s.flow ? flows.get(s.flow)?.steps[s.step ?? ''] : undefined;
  if (step?.kind === 'input' && step.input === 'text') return undefined;
  const hit = knowledgeMatcherOf(flows)?.match(text);
  const entry = hit?.kind === 'answer' && hit.named ? knowledgeOf(flows).knowledge.get(hit.id ?? '') : undefined;
  const human = parseOpening(opensOf(flows).human)?.flow;
  if (!entry || !human || entry.topic !== human) return undefined;
  return { kind: 'answer', entry, score: hit?.score ?? 0, also: [], opens: false };
}

/** The interpretation as `understand` prints it and `flows test` labels it: `knowledge:<id>` or `unknown`. */
export function withKnowledge(meaning: Interpretation, consulted: Consulted | undefined): Interpretation {
  if (!consulted) return meaning;
  if (consulted.kind === 'unknown') return { ...meaning, action: 'answer', intent: 'unknown', topic: null, choice: null };
  return { ...meaning, action: 'answer', intent: `knowledge:${consulted.entry.id}`, topic: consulted.entry.topic ?? null, choice: null, confidence: consulted.score };
}
