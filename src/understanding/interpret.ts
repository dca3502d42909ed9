// What a message means where the conversation stands: an answer to the prompt, a choice of the
// question asked, a global intent (a person, start over, skip, don't know, …), another topic, or
// unclear. Pure: the engine acts on it, and `2fa-helpdesk understand` prints it.
import { parseDeviceTime } from '../checks/device-time.ts';
import type { Action, Guess, Meaning, Position, Ranker } from '../ports/understanding.ts';
import { parseCode, parseIp, parseUsername, redactCodes } from './input.ts';
import { fold, foldKnown } from './normalise.ts';
import { withoutUsername } from './extract-username.ts';
import { messageTemplate } from '../flows/messages.ts';
import { opensOf, parseOpening, type Opens } from '../flows/intents.ts';
import type { ExtractedSlots } from './extract.ts';
import type { Flow, FlowSet, InputKind, Step } from '../flows/schema.ts';
import { LANGS } from '../ports/lang.ts';

export type { Action, Position };

export type Interpretation = Meaning;

/** How sure is sure enough. Measured on test/understanding/messages.yaml (see docs/understanding.md). */
export const THRESHOLDS = {
  /** A first message's topic. */
  topic: 0.3,
  /** Leaving the current question for another topic. */
  switchTopic: 0.5,
  /** A choice of the question asked. */
  choice: 0.34,
  /** A global intent at a question or at the menu. */
  intent: 0.42,
  /** A global intent in place of a prompt's answer that does not parse. */
  intentAtPrompt: 0.65,
  /** Two labels closer than this are a tie: ask instead of guessing. */
  margin: 0.04,
  /**
   * Two topics of an `ask_between` pair this close on a first message: asked which. Measured on the
   * labelled sets (docs/understanding.md): the score gap alone asks wrongly; with the pair and no fact
   * deciding, the right topic is one of the two asked every time.
   */
  closeTopics: 0.1,
  /** …and the nearer under this: "my code does not work" (0.74) is taken as the code topic. */
  closeTopicsUnder: 0.7,
};

/**
 * The two topics of an `ask_between` pair a first message is near, best first, when they are both
 * sure enough and close: the engine asks which (unless a fact said decides). Empty otherwise.
 */
function closeTopic(opens: Opens, guesses: readonly Guess[]): string[] {
  const [a, b] = guesses.filter((g) => kindOf(g.label) === 'topic');
  if (!a || !b || b.score < THRESHOLDS.topic || a.score >= THRESHOLDS.closeTopicsUnder || a.score - b.score > THRESHOLDS.closeTopics) return [];
  const [x, y] = [nameOf(a.label), nameOf(b.label)];
  return opens.ask_between.some(([p, q]) => (p === x && q === y) || (p === y && q === x)) ? [x, y] : [];
}

/** Intents that answer a question rather than ask for something: at a question, only its choices use them. */
const ANSWER_LIKE = new Set(['intent:yes', 'intent:no', 'intent:thanks', 'intent:still_broken']);

const kindOf = (label: string) => label.slice(0, label.indexOf(':'));
const nameOf = (label: string) => label.slice(label.indexOf(':') + 1);

/** Does `text` answer an input prompt of this kind as it stands? */
export function parsesAs(kind: InputKind, text: string): boolean {
  switch (kind) {
    case 'code':
      return parseCode(text) !== undefined;
    case 'ip':
      return parseIp(text) !== undefined;
    case 'device_time':
      return parseDeviceTime(text) !== undefined;
    case 'username':
      return parseUsername(text) !== undefined;
    case 'text':
      return true;
  }
}

export interface InterpretEnv {
  flows: FlowSet;
  understanding: Ranker;
  /** Which intent opens which topic; by default the `opens:` of the loaded flows/_intents.yaml. */
  opens?: Opens;
}

/** The flow an `opens:` target names (`flow` or `flow/step`). */
const flowOf = (target: string | undefined) => parseOpening(target)?.flow;

/**
 * Topics answered in place in the middle of a conversation, as the global intent `opens.in_place`
 * names ("where is my SMS" mid-topic is answered, not a new topic).
 */
function inPlace(opens: Opens): (g: Guess) => Guess {
  return (g) => {
    const name = nameOf(g.label);
    const intent = kindOf(g.label) === 'topic' ? opens.in_place[name] : undefined;
    return intent ? { ...g, label: `intent:${intent}` } : g;
  };
}

function result(action: Action, g: Guess | undefined, extra: Partial<Interpretation> = {}): Interpretation {
  const label = g?.label;
  const kind = label ? kindOf(label) : '';
  const name = label ? nameOf(label) : null;
  return {
    action,
    intent: kind === 'choice' ? (name?.split('/')[2] ?? null) : name,
    topic: kind === 'topic' ? name : null,
    choice: null,
    confidence: g ? Math.round(g.score * 1000) / 1000 : 0,
    lang: g?.lang ?? null,
    closest: [],
    ...extra,
  };
}

/** A global intent as an action: the ones the engine moves on, the rest are answered in place. */
function intentAction(name: string): Action {
  if (name === 'human') return 'handover';
  if (name === 'menu') return 'menu';
  if (name === 'skip') return 'skip';
  if (name === 'none') return 'unclear';
  return 'answer';
}

function choiceIds(step: Extract<Step, { kind: 'ask' }>): string[] {
  return Object.keys(step.choices);
}

/** The choice of this question that a global intent stands for: yes, no, a person, or one that names it. */
export function choiceForIntent(step: Extract<Step, { kind: 'ask' }>, intent: string): string | undefined {
  for (const [id, c] of Object.entries(step.choices)) {
    if (typeof c !== 'string' && c.intent === intent) return id;
  }
  if ((intent === 'yes' || intent === 'no') && intent in step.choices) return intent;
  if (intent === 'human' && 'talk_to_human' in step.choices) return 'talk_to_human';
  // "Thanks, that did it" to "Did that solve it?" is a yes.
  if (intent === 'thanks' && 'yes' in step.choices) return 'yes';
  return undefined;
}

/** A choice given by its number or its exact label, in either language. */
function literalChoice(flow: Flow, step: Extract<Step, { kind: 'ask' }>, text: string): string | undefined {
  const said = fold(text);
  const ids = choiceIds(step);
  const n = Number(said);
  if (Number.isInteger(n) && n >= 1 && n <= ids.length) return ids[n - 1];
  for (const [id, c] of Object.entries(step.choices)) {
    if (said === foldKnown(id.replace(/_/g, ' '))) return id;
    for (const lang of LANGS) {
      const label = messageTemplate(flow, typeof c === 'string' ? id : c.label, lang);
      if (label && said === foldKnown(label)) return id;
    }
  }
  return undefined;
}

export function interpret(env: InterpretEnv, s: Position, text: string): Interpretation {
  const opens = opensOf(env.flows, env.opens);
  const flow = s.flow ? env.flows.get(s.flow) : undefined;
  const step = flow && s.status === 'active' ? flow.steps[s.step ?? ''] : undefined;
  // A code's digits are noise to the classifier (they share n-grams with nothing); "[code]" says a code was typed.
  // Nor are the words that give a username: whoever names theirs has one (the account check says more).
  const heard = withoutUsername(redactCodes(text));
  const rank = (allowed: (label: string) => boolean) => env.understanding.rank(heard, allowed, 6);

  if (step?.kind === 'input') {
    const parsed = parsesAs(step.input, text);
    const [g] = rank((l) => l.startsWith('intent:') || l.startsWith('topic:')).map(inPlace(opens));
    // A phrase typed exactly as an example ("skip", "human") wins over a username that happens to parse.
    if (g && kindOf(g.label) === 'intent' && (g.score >= 0.999 || (!parsed && g.score >= THRESHOLDS.intentAtPrompt))) {
      return result(intentAction(nameOf(g.label)), g);
    }
    if (parsed && step.input !== 'text') return result('answer', undefined, { confidence: 1 });
    // A note for support is the person's own words about their problem: it is kept, not taken as a new topic.
    if (g && kindOf(g.label) === 'topic' && step.input !== 'text' && nameOf(g.label) !== flow?.id && g.score >= THRESHOLDS.switchTopic) return result('topic', g);
    // A free-text prompt takes anything; any other prompt explains what it needs.
    return result('answer', undefined, { confidence: step.input === 'text' ? 1 : 0 });
  }

  if (flow && step?.kind === 'ask') {
    const literal = literalChoice(flow, step, text);
    if (literal) return { ...result('choice', undefined, { confidence: 1 }), intent: literal, choice: literal };
    const ids = choiceIds(step);
    const own = `choice:${flow.id}/${s.step}/`;
    const guesses = rank((l) => l.startsWith(own) || l.startsWith('intent:') || (l.startsWith('topic:') && l !== `topic:${flow.id}`)).map(inPlace(opens));
    // yes and no are global intents; where the question offers them, they are its choices.
    const asChoice = (g: Guess): string | undefined => {
      if (g.label.startsWith(own)) return g.label.slice(own.length);
      return kindOf(g.label) === 'intent' ? choiceForIntent(step, nameOf(g.label)) : undefined;
    };
    const [best, second] = guesses;
    if (best) {
      const choice = asChoice(best);
      // A phrase typed exactly as an example ("no thanks" is an example of no) is no tie with a near
      // one ("thanks" stands for yes here).
      const tie = best.score < 0.999 && second !== undefined && best.score - second.score < THRESHOLDS.margin && asChoice(second) !== choice && asChoice(second) !== undefined;
      if (choice && best.score >= THRESHOLDS.choice && !tie) return { ...result('choice', best), intent: choice, choice };
      // "Still not working" where the question has no choice for it is no answer: asked again, never "no".
      if (!choice && kindOf(best.label) === 'intent' && !ANSWER_LIKE.has(best.label) && best.score >= THRESHOLDS.intent) {
        return result(intentAction(nameOf(best.label)), best);
      }
      if (kindOf(best.label) === 'topic' && best.score >= THRESHOLDS.switchTopic) return result('topic', best);
    }
    const closest = guesses.map(asChoice).filter((c): c is string => c !== undefined);
    const unique = [...new Set(closest)].slice(0, 3);
    return result('unclear', best, { closest: unique.length ? unique : ids.slice(0, 3) });
  }

  // At the menu the topics are the choices: by number or by their title.
  if (s.status === 'menu') {
    const topics = [...env.flows.values()].filter((f) => f.topic).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
    const said = fold(text);
    const n = Number(said);
    const picked = Number.isInteger(n) && n >= 1 && n <= topics.length ? topics[n - 1] : topics.find((f) => said === foldKnown(f.title.en) || said === foldKnown(f.title.sv));
    if (picked) return { ...result('topic', undefined, { confidence: 1 }), intent: picked.id, topic: picked.id };
  }
  // At the menu, after the end, or while a check runs: a topic or a global intent. A bare code
  // means the person wants it checked.
  const forCode = flowOf(opens.intents.code);
  if (forCode && parseCode(text)) return { ...result('topic', undefined, { confidence: 1 }), intent: forCode, topic: forCode };
  const guesses = rank((l) => l.startsWith('topic:') || l.startsWith('intent:'));
  const [best] = guesses;
  if (!best) return result('unclear', undefined);
  // With no question asked, "still not working" is not the answer "no": a sentence that says more
  // ("signed up half an hour ago but still not working") is about its topic, when one is near.
  if (ANSWER_LIKE.has(best.label) && best.label !== 'intent:thanks' && text.split(/\s+/).length >= 5) {
    const topic = guesses.find((g) => kindOf(g.label) === 'topic' && g.score >= THRESHOLDS.topic);
    if (topic) return result('topic', topic);
  }
  if (kindOf(best.label) === 'topic') return best.score >= THRESHOLDS.topic ? result('topic', best, { closest: closeTopic(opens, guesses) }) : result('unclear', best);
  const asTopic = flowOf(opens.intents[nameOf(best.label)]);
  if (asTopic && best.score >= THRESHOLDS.intent) return { ...result('topic', best), topic: asTopic, intent: asTopic };
  if (best.score >= THRESHOLDS.intent) return result(intentAction(nameOf(best.label)), best);
  // A weak intent but a plausible topic just behind it: the topic.
  const topic = guesses.find((g) => kindOf(g.label) === 'topic');
  if (topic && topic.score >= THRESHOLDS.topic + 0.1) return result('topic', topic);
  return result('unclear', best);
}

/**
 * What the facts of a message decide before its meaning does, in the engine's order (see
 * message.ts, factsDecide): a person; a token someone else registered; out of scope at the menu;
 * what happened to the phone. `flows test` applies it to first messages so its figures are the
 * conversation's, not the classifier's alone.
 */
export function decideByFacts(env: InterpretEnv, s: Position, facts: ExtractedSlots): Interpretation | undefined {
  const opens = opensOf(env.flows, env.opens);
  const fact = (action: Action, name: string | null, topic: string | null = null): Interpretation => ({ ...result(action, undefined, { confidence: 1 }), intent: name, topic });
  const step = s.status === 'active' && s.flow ? env.flows.get(s.flow)?.steps[s.step ?? ''] : undefined;
  if (facts.wantsHuman && !(step?.kind === 'input' && step.input === 'text')) return fact('handover', 'human');
  const takeover = flowOf(opens.takeover);
  if (facts.takeover && takeover && s.flow !== takeover) return fact('topic', takeover, takeover);
  if (s.status === 'active') return undefined;
  if (facts.outOfScope) return fact('unclear', 'none');
  const device = facts.device ? flowOf(opens.device[facts.device]) : undefined;
  return device ? fact('topic', device, device) : undefined;
}
