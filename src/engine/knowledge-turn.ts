// A question answered from the knowledge base, wherever it is asked: the answer and where it comes
// from, then the conversation goes on where it was ("Back to where we were:" and the question again).
// At the start it goes on into the topic the question belongs to when the message was about that
// topic too, and otherwise offers it first; a question nothing answers gets "I don't know that" and
// the way to a person, never a made-up answer.
import type { Meaning } from '../ports/understanding.ts';
import { knowledgeOf, type KnowledgeEntry } from '../flows/knowledge.ts';
import { render } from '../i18n/index.ts';
import { log, say, sys, topics, vars } from './say.ts';
import { HUMAN_CHOICE, MENU_CHOICE, currentStep, handoverFlow, startFlow } from './walk.ts';
import { interrupt } from './interrupt.ts';
import { catalogues } from '../i18n/index.ts';
import type { Turn } from './turn.ts';

/** Answers `text` from the base when it is a question for it; false leaves the message to the turn. */
export function answerFromKnowledge(t: Turn, text: string, meaning: Meaning, logIt = true): boolean {
  // What the facts decide comes first: a takeover, the phone (where it leads: a prompt waiting for a
  // typed answer does nothing with it), out of scope; a person, unless the way to one is asked.
  const phoneLeads = t.facts.device !== undefined && !(t.s.status === 'active' && currentStep(t)?.kind === 'input');
  if (t.facts.takeover || phoneLeads || t.facts.outOfScope) return false;
  const consulted = t.env.understanding.knowledge?.(text, t.s, meaning);
  const entry = consulted?.kind === 'answer' ? knowledgeOf(t.env.flows).knowledge.get(consulted.entry) : undefined;
  if (t.facts.wantsHuman && !(entry && entry.topic === handoverFlow(t))) return false;
  if (!consulted || (consulted.kind === 'answer' && !entry)) return false;
  if (logIt) log(t, 'u', text);
  if (consulted.kind === 'unknown') {
    return interrupt(t, (x) => say(x, 'knowledge_unknown'), () => offer(t, 'knowledge_unknown_offer', [{ id: HUMAN_CHOICE, label: sharedLabel(t, 'talk_to_human') }, { id: MENU_CHOICE, label: sharedLabel(t, 'back_to_menu') }]));
  }
  if (!entry) return false;
  // Every question of the message, each answered once; a page they share is linked once.
  const entries = [entry, ...(consulted.also ?? []).flatMap((id) => knowledgeOf(t.env.flows).knowledge.get(id) ?? [])];
  const answer = (x: Turn) => sayEntries(x, entries);
  return interrupt(t, answer, () => {
    // The message was about the entry's own topic too ("do I need 2FA from home?", "at the hotel it
    // asks me for a code"): on into it.
    const goOn = (topic: string) => {
      if (entry.covers?.length) t.covered = { flow: topic, messages: new Set(entry.covers) };
      startFlow(t, topic);
    };
    if (entry.topic && consulted.kind === 'answer' && consulted.opens) return goOn(entry.topic);
    if (entry.topic && meaning.action === 'topic' && meaning.topic === entry.topic) return goOn(entry.topic);
    // Else the topic the question belongs to first, then the others.
    const all = topics(t);
    const own = all.filter((c) => c.id === entry.topic);
    offer(t, 'knowledge_offer', [...own, ...all.filter((c) => c.id !== entry.topic)]);
  });
}

/** Each entry's answer once, a page they share linked once. */
function sayEntries(t: Turn, entries: readonly KnowledgeEntry[]): void {
  const linked = new Set<string>();
  for (const e of entries) {
    t.replies.push({ kind: 'text', text: render(e.answer[t.s.lang], vars(t)) });
    const url = vars(t)[e.source];
    if (typeof url === 'string' && !linked.has(url)) {
      linked.add(url);
      t.replies.push({ kind: 'link', url, label: sys(t, 'knowledge_source') });
    }
    log(t, 'b', `kb:${e.id}`);
  }
}

/**
 * What a message means, and the questions asked beside the problem it reports. The question's own
 * words may pull the whole message to the question's topic ("my code is rejected, and which app
 * should I use?" reads as setup): then the report's words alone say what the problem is. A
 * question the problem's topic answers itself is left to it.
 */
export function readBeside(t: Turn, text: string): { meaning: Meaning; beside: string[] } {
  const whole = t.env.understanding.meaning(text, t.s);
  const found = t.s.status === 'handed' ? undefined : t.env.understanding.besideReport?.(text);
  if (!found) return { meaning: whole, beside: [] };
  const kb = knowledgeOf(t.env.flows).knowledge;
  const topicOf = (id: string) => kb.get(id)?.topic;
  const pulled = whole.action === 'topic' && found.entries.some((id) => topicOf(id) === whole.topic);
  const reread = pulled ? t.env.understanding.meaning(found.report, t.s) : undefined;
  // The rest must be a problem of its own ("I'm at a hotel" is not): else the message is one question.
  if (pulled && reread?.action !== 'topic') return { meaning: whole, beside: [] };
  const meaning = reread ?? whole;
  return { meaning, beside: found.entries.filter((id) => meaning.action !== 'topic' || topicOf(id) !== meaning.topic) };
}

/** The questions asked beside a problem report, answered first; the problem is then taken up as usual. */
export function answerBeside(t: Turn, ids: readonly string[]): void {
  sayEntries(t, ids.flatMap((id) => knowledgeOf(t.env.flows).knowledge.get(id) ?? []));
}

/** What comes after an answer at rest: a few choices, at the menu (or still handed over, with its ticket). */
function offer(t: Turn, key: 'knowledge_offer' | 'knowledge_unknown_offer', choices: Array<{ id: string; label: string }>): void {
  t.s.status = 'menu';
  t.s.flow = null;
  t.s.step = null;
  t.replies.push({ kind: 'choices', prompt: sys(t, key), choices });
  log(t, 'b', `sys:${key}`);
}

/** A label every flow shares ("Talk to a person", "Menu"), in the conversation's language. */
function sharedLabel(t: Turn, key: 'talk_to_human' | 'back_to_menu'): string {
  return render(catalogues[t.s.lang].shared[key] ?? key, vars(t));
}
