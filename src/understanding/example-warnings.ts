// What `flows check` warns a flow author about: topics with too few examples to be understood
// reliably, and the same example under two labels (the understanding cannot tell them apart).
import { LANGS } from '../i18n/catalogue.ts';
import type { FlowSet, Intents } from '../flows/schema.ts';
import { opensOf, parseOpening } from '../flows/intents.ts';
import { fold } from './normalise.ts';
import { trainingExamples } from './training.ts';

/** Fewer examples than this per topic and language are too few (measured: accuracy drops below 90 %). */
export const MIN_TOPIC_EXAMPLES = 15;

export function exampleWarnings(flows: FlowSet, intents: Intents): string[] {
  const out: string[] = [];
  // The hand-over topic is reached by asking for a person (a global intent with its own examples).
  const handover = parseOpening(opensOf(flows).human)?.flow;
  for (const flow of flows.values()) {
    if (!flow.topic || flow.id === handover) continue;
    for (const lang of LANGS) {
      const n = flow.examples[lang].length;
      if (n < MIN_TOPIC_EXAMPLES) out.push(`${flow.file}: topic ${flow.id} has ${n} ${lang} examples; ${MIN_TOPIC_EXAMPLES} or more are needed to be understood reliably`);
    }
  }
  const seen = new Map<string, string>();
  for (const e of trainingExamples(flows, intents)) {
    const key = `${e.lang}:${fold(e.text)}`;
    const other = seen.get(key);
    // Choices of different questions may share words ("done"); only the same question or level collides.
    if (other && other !== e.label && sameLevel(other, e.label)) out.push(`"${e.text}" (${e.lang}) is an example of both ${other} and ${e.label}`);
    else seen.set(key, e.label);
  }
  return out;
}

/** Do these two labels ever compete for one message? Choices of different questions never do. */
function sameLevel(a: string, b: string): boolean {
  const question = (l: string) => (l.startsWith('choice:') ? l.slice(0, l.lastIndexOf('/')) : undefined);
  const qa = question(a);
  const qb = question(b);
  if (qa && qb) return qa === qb;
  if (qa || qb) return (qa ? b : a).startsWith('intent:');
  return true;
}
