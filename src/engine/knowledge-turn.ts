// A question answered from the knowledge base, wherever it is asked: the answer and where it comes
// from, then the conversation goes on where it was ("Back to where we were:" and the question again).
// At the start it goes on into the topic the question belongs to when the message was about that
// topic too, and otherwise offers it first; a question nothing answers gets "I don't know that" and
// the way to a person, never a made-up answer.
import { redactCodes } from '../understanding/input.ts';
import type { Meaning } from '../ports/understanding.ts';
import { knowledgeOf } from '../flows/knowledge.ts';
import { render } from '../i18n/index.ts';
import { USER_TEXT_LIMIT } from './snapshot.ts';
import { log, say, sys, topics, vars } from './say.ts';
import { HUMAN_CHOICE, MENU_CHOICE, startFlow } from './walk.ts';
import { interrupt } from './interrupt.ts';
import { catalogues } from '../i18n/index.ts';
import type { Turn } from './turn.ts';

/** Answers `text` from the base when it is a question for it; false leaves the message to the turn. */
export function answerFromKnowledge(t: Turn, text: string, meaning: Meaning, logIt = true): boolean {
  // What the facts decide comes first: a person, a takeover, the phone, out of scope.
  if (t.facts.wantsHuman || t.facts.takeover || t.facts.device || t.facts.outOfScope) return false;
  const consulted = t.env.understanding.knowledge?.(text, t.s, meaning);
  const entry = consulted?.kind === 'answer' ? knowledgeOf(t.env.flows).knowledge.get(consulted.entry) : undefined;
  if (!consulted || (consulted.kind === 'answer' && !entry)) return false;
  if (logIt) log(t, 'u', redactCodes(text).slice(0, USER_TEXT_LIMIT));
  if (consulted.kind === 'unknown') {
    return interrupt(t, (x) => say(x, 'knowledge_unknown'), () => offer(t, 'knowledge_unknown_offer', [{ id: HUMAN_CHOICE, label: sharedLabel(t, 'talk_to_human') }, { id: MENU_CHOICE, label: sharedLabel(t, 'back_to_menu') }]));
  }
  if (!entry) return false;
  // Every question of the message, each answered once; a page they share is linked once.
  const entries = [entry, ...(consulted.also ?? []).flatMap((id) => knowledgeOf(t.env.flows).knowledge.get(id) ?? [])];
  const answer = (x: Turn) => {
    const linked = new Set<string>();
    for (const e of entries) {
      x.replies.push({ kind: 'text', text: render(e.answer[x.s.lang], vars(x)) });
      const url = vars(x)[e.source];
      if (typeof url === 'string' && !linked.has(url)) {
        linked.add(url);
        x.replies.push({ kind: 'link', url, label: sys(x, 'knowledge_source') });
      }
      log(x, 'b', `kb:${e.id}`);
    }
  };
  return interrupt(t, answer, () => {
    // The message was about the entry's own topic too ("do I need 2FA from home?"): on into it.
    if (meaning.action === 'topic' && meaning.topic === entry.topic) return startFlow(t, entry.topic);
    // Else the topic the question belongs to first, then the others.
    const all = topics(t);
    const own = all.filter((c) => c.id === entry.topic);
    offer(t, 'knowledge_offer', [...own, ...all.filter((c) => c.id !== entry.topic)]);
  });
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
