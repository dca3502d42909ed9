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

export function renderTranscript(flows: FlowSet, words: CentreWords, s: Snapshot, lang: Lang = s.lang): string[] {
  const vars: Record<string, unknown> = { ...words, user: s.subject.user ?? '' };
  for (const f of s.findings) for (const [k, v] of Object.entries(f.data)) vars[`check.${f.id}.${k}`] = v;
  const c = catalogues[lang];
  return s.transcript.map(([t, who, text]) => {
    if (who === 'u') return `${stamp(t)} person: ${text.startsWith('choice:') ? `[${text.slice(7)}]` : text}`;
    let said = text;
    if (text.startsWith('sys:')) {
      // `sys:key[:ticket[:reach]]`: a hand-over's line names its reference and how the answer comes.
      const [, key, ticket, reach] = text.split(':');
      const extra = { ...vars, ticket, limit: 2000, contact: s.subject.email ?? '' };
      const how = reach ? render(c.system[reach as SystemKey] ?? '', extra) : '';
      said = render(c.system[key as SystemKey] ?? key ?? '', { ...extra, reach: how });
    } else if (text.startsWith('chk:')) {
      const code = text.slice(4) as CheckCode;
      const finding = s.findings.find((f) => f.code === code);
      said = `[${code}] ${finding ? c.summary[code]?.(finding.data) ?? '' : ''}`.trim();
    } else if (text.startsWith('kb:')) {
      // An answer from the knowledge base, in the language asked for.
      const entry = knowledgeOf(flows).knowledge.get(text.slice(3));
      said = entry ? render(entry.answer[lang], vars) : text;
    } else if (text.startsWith('facts:')) {
      // Why the facts led elsewhere: the line of the question's `facts:` for that outcome.
      const [flowId, stepId, code] = text.slice(6).split('/');
      const flow = flows.get(flowId ?? '');
      const step = flow?.steps[stepId ?? ''];
      const ref = step?.kind === 'ask' || step?.kind === 'say' ? step.facts?.[code ?? '']?.say : undefined;
      said = flow && ref ? render(messageTemplate(flow, ref, lang) ?? '', vars) : '';
    } else if (text.startsWith('flow:')) {
      said = `— ${flows.get(text.slice(5))?.title[lang] ?? text.slice(5)} —`;
    } else {
      const [flowId, stepId] = text.split('/');
      const flow = flows.get(flowId ?? '');
      const step = flow?.steps[stepId ?? ''];
      let ref: MessageRef | undefined;
      if (step?.kind === 'say') ref = Array.isArray(step.say) ? step.say[0] : step.say;
      else if (step?.kind === 'ask') ref = step.ask;
      else if (step?.kind === 'input') ref = step.prompt;
      else if (step?.kind === 'escalate' || step?.kind === 'check') ref = step.say;
      if (flow && ref) said = render(messageTemplate(flow, ref, lang) ?? '', vars);
    }
    return `${stamp(t)} bot: ${said}`;
  });
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
