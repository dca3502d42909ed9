// The graph check: every target exists, every step is reachable, every outcome of a check is
// handled, every message and placeholder is known in both languages, and no loop runs without
// waiting for the person.
import { CHECK_CODES } from '../checks/catalogue.ts';
import { LANGS, placeholdersOf } from '../i18n/index.ts';
import { END, type Flow, type FlowSet, type MessageRef, type Step } from './schema.ts';
import { messageTemplate } from './messages.ts';
import { isKnownPlaceholder } from './words.ts';
import type { FlowProblem } from './problems.ts';

/** Every (key, target) pair a step can move to. */
export function stepTargets(step: Step): Array<[string, string]> {
  switch (step.kind) {
    case 'say':
      return [['next', step.next]];
    case 'input':
      return [['next', step.next], ...(step.skip ? ([['skip', step.skip]] as Array<[string, string]>) : []), ...(step.exhausted ? ([['exhausted', step.exhausted]] as Array<[string, string]>) : []), ...(step.outside ? ([['outside', step.outside]] as Array<[string, string]>) : []), ...(step.time_given ? ([['time_given', step.time_given]] as Array<[string, string]>) : []), ...(step.same_code ? ([['same_code', step.same_code]] as Array<[string, string]>) : []), ...(step.otherwise ? ([['otherwise', step.otherwise]] as Array<[string, string]>) : [])];
    case 'ask':
      return [...Object.entries(step.choices).map(([id, c]) => [`choices.${id}`, typeof c === 'string' ? c : c.next] as [string, string]), ...(step.code_given ? ([['code_given', step.code_given]] as Array<[string, string]>) : []), ...(step.unsure ? ([['unsure', step.unsure]] as Array<[string, string]>) : [])];
    case 'check':
      return [...Object.entries(step.on).map(([code, t]) => [`on.${code}`, t] as [string, string]), ...(step.noted ? ([['noted', step.noted]] as Array<[string, string]>) : []), ...(step.slow ? ([['slow', step.slow]] as Array<[string, string]>) : [])];
    case 'watch':
      return [['next', step.next]];
    case 'escalate':
    case 'flow':
      return [];
  }
}

function stepMessages(step: Step): Array<[string, MessageRef]> {
  const out: Array<[string, MessageRef]> = [];
  switch (step.kind) {
    case 'say':
      (Array.isArray(step.say) ? step.say : [step.say]).forEach((m, i) =>
        out.push([Array.isArray(step.say) ? `say.${i}` : 'say', m]),
      );
      if (step.link) out.push(['link.label', step.link.label]);
      for (const [code, lead] of Object.entries(step.facts ?? {})) out.push([`facts.${code}.say`, lead.say]);
      break;
    case 'ask':
      out.push(['ask', step.ask]);
      for (const [id, c] of Object.entries(step.choices)) out.push([`choices.${id}`, typeof c === 'string' ? id : c.label]);
      for (const [code, lead] of Object.entries(step.facts ?? {})) out.push([`facts.${code}.say`, lead.say]);
      break;
    case 'input':
      out.push(['prompt', step.prompt]);
      break;
    case 'check':
    case 'escalate':
      if (step.say) out.push(['say', step.say]);
      break;
    case 'flow':
    case 'watch':
      break;
  }
  return out;
}

function checkTemplate(p: FlowProblem[], flow: Flow, stepId: string | undefined, key: string, text: string) {
  for (const name of placeholdersOf(text)) {
    if (!isKnownPlaceholder(name)) p.push({ file: flow.file, flow: flow.id, step: stepId, key, message: `unknown placeholder {${name}}` });
  }
}

function validateFlow(flow: Flow, flows: FlowSet, entries: readonly string[] = []): FlowProblem[] {
  const p: FlowProblem[] = [];
  const at = (step: string | undefined, key: string | undefined, message: string) =>
    p.push({ file: flow.file, flow: flow.id, step, key, message });

  if (!flow.steps[flow.start]) at(undefined, 'start', `the start step "${flow.start}" does not exist`);
  for (const stage of flow.stages) if (!flow.steps[stage]) at(undefined, 'stages', `the stage "${stage}" is not a step`);

  for (const [key, text] of Object.entries(flow.messages)) {
    for (const lang of LANGS) checkTemplate(p, flow, undefined, `messages.${key}.${lang}`, text[lang]);
  }
  for (const lang of LANGS) checkTemplate(p, flow, undefined, `title.${lang}`, flow.title[lang]);

  for (const [stepId, step] of Object.entries(flow.steps)) {
    for (const [key, target] of stepTargets(step)) {
      if (target !== END && !flow.steps[target]) at(stepId, key, `unknown target "${target}"`);
    }
    for (const [key, ref] of stepMessages(step)) {
      for (const lang of LANGS) {
        const text = messageTemplate(flow, ref, lang);
        if (text === undefined) {
          at(stepId, key, `unknown message "${String(ref)}" in ${lang}`);
          break;
        }
        if (typeof ref !== 'string') checkTemplate(p, flow, stepId, `${key}.${lang}`, text);
      }
    }
    if (step.kind === 'check') {
      const codes: readonly string[] = CHECK_CODES[step.check];
      for (const code of Object.keys(step.on)) {
        if (code !== 'else' && !codes.includes(code)) {
          at(stepId, `on.${code}`, `"${code}" is not an outcome of the ${step.check} check (${codes.join(', ')})`);
        }
      }
      if (!('else' in step.on)) {
        const missing = codes.filter((c) => !(c in step.on));
        if (missing.length) at(stepId, 'on', `outcomes not handled and no "else": ${missing.join(', ')}`);
      }
    }
    if (step.kind === 'input' && step.input === 'code') {
      const next = flow.steps[step.next];
      if (next && !(next.kind === 'check' && next.check === 'code')) {
        at(stepId, 'next', 'an input of a code must go straight to a code check (codes are never kept)');
      }
    }
    if (step.kind === 'ask' || step.kind === 'say') {
      for (const [code, lead] of Object.entries(step.facts ?? {})) {
        const check = code.startsWith('account.') ? 'account' : 'token';
        if (!(CHECK_CODES[check] as readonly string[]).includes(code)) at(stepId, `facts.${code}`, `"${code}" is not an outcome of the ${check} check`);
        const [flowId, target] = lead.go.split('/');
        const to = flows.get(flowId ?? '');
        if (!to) at(stepId, `facts.${code}.go`, `unknown flow "${flowId}"`);
        else if (target && !to.steps[target]) at(stepId, `facts.${code}.go`, `flow ${flowId} has no step "${target}"`);
      }
    }
    if (step.kind === 'ask' && step.code_given) {
      const next = flow.steps[step.code_given];
      if (next && !(next.kind === 'check' && next.check === 'code')) at(stepId, 'code_given', 'a code typed at a question must go straight to a code check (codes are never kept)');
    }
    if (step.kind === 'flow' && !flows.has(step.flow)) at(stepId, 'flow', `unknown flow "${step.flow}"`);
  }

  // Reachability from the start step.
  const seen = new Set<string>();
  // The start, and the steps `opens:` starts a topic at (the person already answered what comes before).
  const queue = [flow.start, ...entries].filter((id) => flow.steps[id]);
  while (queue.length) {
    const id = queue.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = flow.steps[id];
    if (step) for (const [, t] of stepTargets(step)) if (t !== END && flow.steps[t]) queue.push(t);
  }
  for (const stepId of Object.keys(flow.steps)) {
    if (!seen.has(stepId)) at(stepId, undefined, 'unreachable from the start step');
  }
  return p;
}

/** A step that moves on without waiting for the person. */
function autoTargets(flows: FlowSet, flow: Flow, step: Step): string[] {
  if (step.kind === 'flow') {
    const target = flows.get(step.flow);
    return target ? [`${target.id}/${target.start}`] : [];
  }
  const waits = step.kind === 'ask' || (step.kind === 'input' && !['username', 'ip'].includes(step.input));
  if (waits || step.kind === 'escalate') return [];
  return stepTargets(step)
    .map(([, t]) => t)
    .filter((t) => t !== END)
    .map((t) => `${flow.id}/${t}`);
}

function findLoops(flows: FlowSet): FlowProblem[] {
  const state = new Map<string, 'open' | 'done'>();
  const problems: FlowProblem[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    const [flowId, stepId] = node.split('/') as [string, string];
    const flow = flows.get(flowId);
    const step = flow?.steps[stepId];
    if (flow && step) {
      for (const next of autoTargets(flows, flow, step)) {
        const s = state.get(next);
        if (s === 'open') {
          problems.push({ file: flow.file, flow: flowId, step: stepId, message: `loops back to ${next} without asking the person anything` });
        } else if (!s) visit(next);
      }
    }
    state.set(node, 'done');
  };
  for (const flow of flows.values()) for (const stepId of Object.keys(flow.steps)) if (!state.has(`${flow.id}/${stepId}`)) visit(`${flow.id}/${stepId}`);
  return problems;
}

/**
 * `handover`: the hand-over flow, as `opens.human` of flows/_intents.yaml names it (no flow id is
 * written in code); every conversation needs one unless `requireHandover` is false.
 */
export function validateGraph(flows: FlowSet, options: { requireHandover?: boolean; entries?: readonly string[]; handover?: string; intentsFile?: string } = {}): FlowProblem[] {
  const entriesOf = (flowId: string) => (options.entries ?? []).filter((e) => e.startsWith(`${flowId}/`)).map((e) => e.slice(flowId.length + 1));
  const problems = [...flows.values()].flatMap((f) => validateFlow(f, flows, entriesOf(f.id)));
  problems.push(...findLoops(flows));
  if ((options.requireHandover ?? true) && flows.size && !options.handover) {
    const first = flows.values().next().value as Flow;
    problems.push({ file: options.intentsFile ?? first.file, key: 'opens.human', message: 'no hand-over flow: opens.human must name the flow that hands over to a person (every conversation needs a way to one)' });
  }
  return problems;
}
