// What the understanding learns from, read from the flow files: each topic's `examples`, each
// choice's `examples` (and its label), and the global intents of `_intents.yaml`. The flows are the
// engine's; the understanding sees labelled texts only.
import type { Lang } from '../i18n/catalogue.ts';
import { LANGS } from '../i18n/catalogue.ts';
import { messageTemplate } from '../flows/messages.ts';
import type { FlowSet, Intents } from '../flows/schema.ts';
import { lazyRanker, trainOn, type Example } from './train.ts';
import { MessageReader } from './reader.ts';

export const topicLabel = (flow: string) => `topic:${flow}`;
export const intentLabel = (name: string) => `intent:${name}`;
export const choiceLabel = (flow: string, step: string, choice: string) => `choice:${flow}/${step}/${choice}`;

/** Every example the understanding learns from, with its label (also what `flows check` inspects). */
export function trainingExamples(flows: FlowSet, intents: Intents): Example[] {
  const out: Example[] = [];
  const add = (label: string, lang: Lang, texts: readonly string[]) => {
    for (const text of texts) out.push({ label, lang, text });
  };
  for (const flow of flows.values()) {
    if (flow.topic) {
      for (const lang of LANGS) add(topicLabel(flow.id), lang, [flow.title[lang], ...flow.examples[lang]]);
    }
    for (const [stepId, step] of Object.entries(flow.steps)) {
      if (step.kind !== 'ask') continue;
      for (const [id, c] of Object.entries(step.choices)) {
        // yes, no and "talk to a person" are global intents; such a choice is matched through them.
        if (id === 'yes' || id === 'no' || id === 'talk_to_human') continue;
        for (const lang of LANGS) {
          const label = messageTemplate(flow, typeof c === 'string' ? id : c.label, lang);
          // A label's placeholders ({centre}) are not what anyone types: drop them.
          add(choiceLabel(flow.id, stepId, id), lang, [...(label ? [label.replace(/\{[^}]+\}/g, ' ')] : []), ...((typeof c === 'string' ? undefined : c.examples) ?? flow.choiceExamples[id])?.[lang] ?? []]);
        }
      }
    }
  }
  for (const [name, ex] of Object.entries(intents)) for (const lang of LANGS) add(intentLabel(name), lang, ex[lang]);
  return out;
}

/** The understanding of these flows; `lazy`: trained the first time a message is ranked. */
export function trainUnderstanding(flows: FlowSet, intents: Intents, lazy = false): MessageReader {
  const train = () => trainOn(trainingExamples(flows, intents));
  return new MessageReader(lazy ? lazyRanker(train) : train(), flows);
}
