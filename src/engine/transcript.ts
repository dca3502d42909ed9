// Renders a stored transcript (user text and references to what the bot said) for a person.
import { catalogues, render, type Lang } from '../i18n/index.ts';
import type { SystemKey } from '../i18n/catalogue.ts';
import type { CheckCode, CheckResult } from '../checks/catalogue.ts';
import { messageTemplate } from '../flows/messages.ts';
import { knowledgeOf } from '../flows/knowledge.ts';
import type { FlowSet, MessageRef } from '../flows/schema.ts';
import type { Snapshot } from './snapshot.ts';
import type { CentreWords } from '../flows/words.ts';

function stamp(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${String(m).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A stored line naming the flow step whose words the bot said. */
const STEP_REF = /^[a-z0-9_]+\/[a-z0-9_]+$/;

/**
 * Who reads a transcript: `staff` (a ticket, the staff desk) see each finding's code beside its
 * summary; the `person` (their data export) sees what they were shown.
 */
export type TranscriptReader = 'staff' | 'person';

/** One stored bot line in words, or undefined for a note the person was never shown. */
function botLine(flows: FlowSet, s: Snapshot, vars: Record<string, unknown>, lang: Lang, text: string, reader: TranscriptReader): string | undefined {
  const c = catalogues[lang];
  if (text.startsWith('sys:')) {
    // `sys:key[:ticket[:reach]]`: a hand-over's line names its reference and how the answer comes (reach.ts).
    const [, key, ticket, reach] = text.split(':');
    const template = c.system[key as SystemKey];
    const extra = { ...vars, ticket, limit: 2000, contact: s.subject.email ?? '' };
    const how = reach ? render(c.system[reach as SystemKey] ?? '', extra) : '';
    return template === undefined ? undefined : render(template, { ...extra, reach: how });
  }
  if (text.startsWith('chk:')) {
    const code = text.slice(4) as CheckCode;
    const finding = s.findings.find((f) => f.code === code);
    const summary = finding ? (c.summary[code]?.(finding.data) ?? '') : '';
    if (reader === 'staff') return `[${code}] ${summary}`.trim();
    return summary || undefined;
  }
  if (text.startsWith('kb:')) {
    // An answer from the knowledge base, in the language asked for.
    const entry = knowledgeOf(flows).knowledge.get(text.slice(3));
    return entry ? render(entry.answer[lang], vars) : undefined;
  }
  if (text.startsWith('facts:')) {
    // Why the facts led elsewhere: the line of the question's `facts:` for that outcome.
    const [flowId, stepId, code] = text.slice(6).split('/');
    const flow = flows.get(flowId ?? '');
    const step = flow?.steps[stepId ?? ''];
    const ref = step?.kind === 'ask' || step?.kind === 'say' ? step.facts?.[code ?? '']?.say : undefined;
    return flow && ref ? render(messageTemplate(flow, ref, lang) ?? '', vars) : undefined;
  }
  if (text.startsWith('flow:')) {
    const title = flows.get(text.slice(5))?.title[lang];
    return title ? `— ${title} —` : undefined;
  }
  if (!STEP_REF.test(text)) return undefined;
  const [flowId, stepId] = text.split('/');
  const flow = flows.get(flowId ?? '');
  const step = flow?.steps[stepId ?? ''];
  let ref: MessageRef | undefined;
  if (step?.kind === 'say') ref = Array.isArray(step.say) ? step.say[0] : step.say;
  else if (step?.kind === 'ask') ref = step.ask;
  else if (step?.kind === 'input') ref = step.prompt;
  else if (step?.kind === 'escalate' || step?.kind === 'check') ref = step.say;
  const template = flow && ref ? messageTemplate(flow, ref, lang) : undefined;
  return template === undefined ? undefined : render(template, vars);
}

/**
 * The stored transcript in words, in `lang`: what the person wrote, and each thing the bot said as
 * they saw it. A stored note that was never said to them (a step that only hands over, a choice
 * taken from what they said before, a line of an older flow that is gone) is left out, never shown
 * as its key.
 */
export function renderTranscript(flows: FlowSet, words: CentreWords, s: Snapshot, lang: Lang = s.lang, reader: TranscriptReader = 'staff'): string[] {
  const vars: Record<string, unknown> = { ...words, user: s.subject.user ?? '' };
  for (const f of s.findings) for (const [k, v] of Object.entries(f.data)) vars[`check.${f.id}.${k}`] = v;
  const out: string[] = [];
  // The question a choice answers: the last step the bot asked.
  let asked = '';
  for (const [t, who, text] of s.transcript) {
    if (who === 'b') {
      if (STEP_REF.test(text)) asked = text;
      const said = botLine(flows, s, vars, lang, text, reader);
      if (said) out.push(`${stamp(t)} bot: ${said}`);
      continue;
    }
    if (!text.startsWith('choice:')) {
      out.push(`${stamp(t)} person: ${text}`);
      continue;
    }
    // `choice:flow/step/id`, or (stored before the question was) `choice:id` after the question's line.
    const parts = text.slice(7).split('/');
    const id = parts.pop() ?? '';
    const label = choiceLabel(flows, vars, lang, parts.length === 2 ? parts.join('/') : asked, id) ?? (reader === 'staff' ? id : undefined);
    if (label) out.push(`${stamp(t)} person: [${label}]`);
  }
  return out;
}

/** The label of the button the person pressed, as it was shown to them. */
function choiceLabel(flows: FlowSet, vars: Record<string, unknown>, lang: Lang, asked: string, id: string): string | undefined {
  const [flowId, stepId] = asked.split('/');
  const flow = flows.get(flowId ?? '');
  const step = flow?.steps[stepId ?? ''];
  const choice = step?.kind === 'ask' ? step.choices[id] : undefined;
  if (!flow || choice === undefined) return undefined;
  const template = messageTemplate(flow, typeof choice === 'string' ? id : choice.label, lang);
  return template === undefined ? undefined : render(template, vars);
}

/** The stored findings as check results, summaries in English (for staff and tickets). */
export function findingResults(s: Snapshot): CheckResult[] {
  return s.findings.map((f) => ({
    id: f.id,
    status: f.status,
    code: f.code as CheckCode,
    data: f.data,
    summary: catalogues.en.summary[f.code as CheckCode]?.(f.data) ?? '',
  }));
}
