// A global intent answered in place ("I don't know", "thanks", "stop"), a polite close said once,
// and "not sure": the closest choices offered.
import type { SystemKey } from '../i18n/catalogue.ts';
import type { Meaning } from '../ports/understanding.ts';
import { END, type Step } from '../flows/schema.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import type { Choice } from './replies.ts';
import type { Snapshot } from './snapshot.ts';
import { choicesOf, enter, repeat, startFlow } from './walk.ts';
import { currentFlow, line, log, menu, say, sys, topics } from './say.ts';
import type { Turn } from './turn.ts';
import { interrupt } from './interrupt.ts';

/**
 * A polite close, said once: "ok" then "thanks" gets the closing line, then a short "take care",
 * then nothing more (the same line again says nothing new). After a hand-over the closing line gives
 * the reference alone: how the answer comes was said with the hand-over, and is not said again.
 */
export function close(t: Turn, key: SystemKey, ticket?: string): void {
  // `sys:key`, without the reference and the reach a hand-over's lines carry after it.
  const said = lastBotLine(t.s.transcript)?.split(':').slice(0, 2).join(':');
  if (said === 'sys:closing_again') return;
  if (said === `sys:${key}` || said === 'sys:handover_closing' || said === 'sys:handover_nothing_more' || said === 'sys:welcome') return say(t, 'closing_again');
  // After a hand-over the reference alone: how the answer comes was said with it.
  say(t, key, ticket === undefined ? {} : { ticket });
}

/**
 * A global intent answered in place; the conversation stays where it was. `text`, when given, is the
 * message the intent was read from: "bye" is the thanks intent's, but thanks no one.
 */
export function answerIntent(t: Turn, intent: string, step: Step | undefined, text?: string): void {
  const active = t.s.status === 'active';
  const opens = opensOf(t.env.flows, t.env.opens);
  switch (intent) {
    case 'dont_know': {
      const key: SystemKey =
        step?.kind === 'input'
          ? ({ ip: 'ip_help', username: 'username_help', code: 'code_help', device_time: 'time_help', text: 'text_help' } as const)[step.input]
          : 'pick_help';
      say(t, key);
      return active ? repeat(t) : menu(t, 'menu_prompt');
    }
    case 'nothing_sent': {
      const topic = parseOpening(opens.intents.nothing_sent);
      if (!active && topic) return startFlow(t, topic.flow, topic.step);
      interrupt(t, (x) => say(x, 'nothing_sent_note'), repeat);
      return;
    }
    case 'first_code': {
      const topic = parseOpening(opens.intents.first_code);
      interrupt(t, (x) => say(x, 'first_code_note'), (x) => (topic ? startFlow(x, topic.flow, topic.step) : repeat(x)));
      return;
    }
    case 'hello':
      return active ? repeat(t) : menu(t, 'menu_prompt');
    case 'wait':
      // "How long does it take?" before any hand-over: the times that matter, then back to the question.
      interrupt(t, (x) => say(x, 'how_long'));
      return;
    case 'stop':
      t.effect = { type: 'unwatch' };
      return;
    case 'thanks':
      // "Thanks" ends: nothing more is asked. A goodbye without thanks is not answered "you are welcome".
      close(t, text === undefined || t.env.understanding.says('thanks', text) ? 'welcome' : 'closing_again');
      t.s.status = 'ended';
      t.s.flow = null;
      t.s.step = null;
      return;
    case 'yes':
    case 'no':
    case 'still_broken':
      // A yes or no (or "still not working") with no question asked.
      if (active) return repeat(t);
      return menu(t, 'menu_prompt');
    default:
      return repeat(t);
  }
}

/** Not sure: say so, and offer the closest choices (or the topics) as buttons; never just "pick one". */
export function unclear(t: Turn, meaning: Meaning, step: Step | undefined, text: string): void {
  const flow = currentFlow(t);
  if (t.s.status === 'active' && flow && step?.kind === 'ask') {
    const all = choicesOf(t, flow, step);
    const closest = meaning.closest.map((id) => all.find((c) => c.id === id)).filter((c): c is Choice => c !== undefined);
    t.replies.push({ kind: 'choices', prompt: sys(t, 'clarify_choice', { question: line(t, flow, step.ask) }), choices: closest.length >= 2 ? closest : all });
    log(t, 'b', 'sys:clarify_choice');
    return;
  }
  if (t.s.status === 'active' && step?.kind === 'check') return enter(t, t.s.step ?? END);
  if (t.s.status === 'active') return repeat(t);
  // "Cool" after the end closes too; "you are welcome" only where it thanked.
  if (t.s.status === 'ended' && t.env.understanding.says('closing', text)) return close(t, t.env.understanding.says('thanks', text) ? 'welcome' : 'closing_again');
  if (meaning.intent === 'none' || (!meaning.intent && /\p{L}{3}/u.test(text))) {
    say(t, 'out_of_scope');
    return menu(t, 'menu_prompt');
  }
  menu(t, t.s.status === 'ended' ? 'ended_hint' : 'not_understood');
}

/**
 * A first message near two topics of an `ask_between` pair, with no fact in it that decides (a
 * username, a code, the phone, the time since registering): which one, both as buttons; the one
 * pressed starts. False leaves the message to its nearest topic.
 */
export function askBetween(t: Turn, meaning: Meaning): boolean {
  if (t.s.status === 'active' || t.s.status === 'handed' || meaning.closest.length !== 2) return false;
  if (t.heard.length || (t.facts.codes ?? 0) > 0) return false;
  const all = topics(t);
  const choices = meaning.closest.flatMap((id) => all.find((c) => c.id === id) ?? []);
  if (choices.length !== 2) return false;
  t.s.status = 'menu';
  t.s.flow = null;
  t.s.step = null;
  t.replies.push({ kind: 'choices', prompt: sys(t, 'clarify_topic'), choices });
  log(t, 'b', 'sys:clarify_topic');
  return true;
}

/** What the bot said last (a catalogue key as `sys:key`), before this turn's message. */
export function lastBotLine(transcript: Snapshot['transcript']): string | undefined {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i]![1] === 'b') return transcript[i]![2];
  return undefined;
}
