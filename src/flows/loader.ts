// Reads flows/*.yaml, checks each file's shape (zod) and then the graph of all flows together.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { HelpdeskError } from '../errors.ts';
import { FlowHeader, GLOBAL_INTENTS, IntentsFile, STEP_KINDS, type Flow, type FlowSet, type Intents, type Opens, type Step, type StepKind } from './schema.ts';
import { parseOpening, registerOpens } from './intents.ts';
import { formatProblem, type FlowProblem } from './problems.ts';
import { validateGraph } from './validate.ts';
import { loadKnowledge, registerKnowledge, type KnowledgeBase } from './knowledge.ts';
import { loadFactFiles, type FactFiles } from './fact-files.ts';
import { LANGS } from '../ports/lang.ts';

const MAX_FLOW_FILE_BYTES = 256 * 1024;

export interface LoadResult {
  flows: FlowSet;
  /** The global intents' examples, from the folder's `_intents.yaml`. */
  intents: Intents;
  /** Which intent or fact opens which topic (`opens:` in `_intents.yaml`). */
  opens?: Opens;
  /** Questions answered from the centre's page (`knowledge/`, one entry a file). */
  knowledge: KnowledgeBase;
  /** Facts read by rules written in data (`facts/`, one fact a file), as read. */
  facts: FactFiles;
  problems: FlowProblem[];
}

function keyOf(pathParts: readonly PropertyKey[]): string | undefined {
  return pathParts.length ? pathParts.map(String).join('.') : undefined;
}

function zodProblems(file: string, flow: string | undefined, step: string | undefined, error: z.ZodError, prefix: string[] = []) {
  return error.issues.map<FlowProblem>((issue) => ({
    file,
    flow,
    step,
    key: keyOf([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

export function parseStep(file: string, flow: string, stepId: string, raw: unknown): { step?: Step; problems: FlowProblem[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [{ file, flow, step: stepId, message: 'a step must be a mapping' }] };
  }
  let kinds = (Object.keys(STEP_KINDS) as StepKind[]).filter((k) => k in raw);
  // `say` is also an optional key of check and escalate steps (what to say first).
  if (kinds.length === 2 && kinds.includes('say')) kinds = kinds.filter((k) => k !== 'say');
  if (kinds.length !== 1) {
    const found = kinds.length ? `it has ${kinds.join(' and ')}` : 'it has none';
    return {
      problems: [
        { file, flow, step: stepId, message: `a step needs exactly one of ${Object.keys(STEP_KINDS).join(', ')}; ${found}` },
      ],
    };
  }
  const kind = kinds[0] as StepKind;
  const parsed = STEP_KINDS[kind].safeParse(raw);
  if (!parsed.success) return { problems: zodProblems(file, flow, stepId, parsed.error) };
  return { step: { kind, ...parsed.data } as Step, problems: [] };
}

export function parseFlowText(file: string, text: string): { flow?: Flow; problems: FlowProblem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => ({ file, message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  const raw: unknown = doc.toJS();
  const header = FlowHeader.safeParse(raw);
  if (!header.success) {
    const id = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' ? raw.id : undefined;
    return { problems: zodProblems(file, id, undefined, header.error) };
  }
  const h = header.data;
  const problems: FlowProblem[] = [];
  const steps: Record<string, Step> = {};
  for (const [stepId, rawStep] of Object.entries(h.steps)) {
    if (!/^[a-z][a-z0-9_]*$/.test(stepId) || stepId === 'end') {
      problems.push({ file, flow: h.id, step: stepId, message: 'a step id is snake_case and is not "end"' });
      continue;
    }
    const { step, problems: stepProblems } = parseStep(file, h.id, stepId, rawStep);
    problems.push(...stepProblems);
    if (step) steps[stepId] = step;
  }
  const flow: Flow = {
    id: h.id,
    file,
    title: h.title,
    order: h.order,
    topic: h.topic,
    examples: h.examples ?? { en: [], sv: [] },
    choiceExamples: h.choice_examples,
    start: h.start,
    stages: h.stages,
    messages: h.messages,
    steps,
  };
  return { flow, problems };
}

/** Parses an intents file (`_intents.yaml`): every global intent, with examples in both languages. */
export function parseIntentsText(file: string, text: string): { intents: Intents; opens?: Opens; problems: FlowProblem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) return { intents: {}, problems: doc.errors.map((e) => ({ file, message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  const parsed = IntentsFile.safeParse(doc.toJS());
  if (!parsed.success) return { intents: {}, problems: zodProblems(file, undefined, undefined, parsed.error) };
  const problems: FlowProblem[] = [];
  for (const name of GLOBAL_INTENTS) {
    const ex = parsed.data.intents[name];
    if (!ex) problems.push({ file, key: `intents.${name}`, message: `the global intent "${name}" is missing` });
    else for (const lang of LANGS) if (!ex[lang].length) problems.push({ file, key: `intents.${name}.${lang}`, message: `no examples in ${lang}` });
  }
  return { intents: parsed.data.intents, ...(parsed.data.opens ? { opens: parsed.data.opens } : {}), problems };
}

/** Loads every flow file in `dir`. Never throws for bad flows: every problem is returned. */
export function loadFlows(dir: string): LoadResult {
  const problems: FlowProblem[] = [];
  const flows = new Map<string, Flow>();
  let intents: Intents = {};
  let opens: Opens | undefined;
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (err) {
    return { flows, intents, knowledge: new Map(), facts: new Map(), problems: [{ file: dir, message: `cannot read the flow folder (${(err as Error).message})` }] };
  }
  if (names.filter((n) => !n.startsWith('_')).length === 0) problems.push({ file: dir, message: 'no flow files (*.yaml) in this folder' });
  if (!names.some((n) => /^_intents\.ya?ml$/.test(n))) problems.push({ file: path.join(dir, '_intents.yaml'), message: 'no intents file: the global intents (human, menu, skip, …) need their examples' });
  for (const name of names) {
    const file = path.join(dir, name);
    if (statSync(file).size > MAX_FLOW_FILE_BYTES) {
      problems.push({ file, message: `larger than ${MAX_FLOW_FILE_BYTES} bytes` });
      continue;
    }
    if (name.startsWith('_')) {
      const r = parseIntentsText(file, readFileSync(file, 'utf8'));
      intents = { ...intents, ...r.intents };
      opens = r.opens ?? opens;
      problems.push(...r.problems);
      continue;
    }
    const result = parseFlowText(file, readFileSync(file, 'utf8'));
    problems.push(...result.problems);
    if (!result.flow) continue;
    const existing = flows.get(result.flow.id);
    if (existing) {
      problems.push({ file, flow: result.flow.id, message: `flow id already used in ${existing.file}` });
      continue;
    }
    flows.set(result.flow.id, result.flow);
  }
  const handover = parseOpening(opens?.human)?.flow;
  const entries = [...(opens ? openingsOf(opens) : []), ...factsTargets(flows)];
  problems.push(...validateGraph(flows, { entries, intentsFile: path.join(dir, '_intents.yaml'), ...(handover ? { handover } : {}) }));
  problems.push(...opensProblems(flows, opens, path.join(dir, '_intents.yaml')));
  if (opens) registerOpens(flows, opens);
  const { knowledge, problems: knowledgeProblems } = loadKnowledge(path.join(dir, 'knowledge'), flows);
  const { facts, problems: factProblems } = loadFactFiles(path.join(dir, 'facts'));
  problems.push(...knowledgeProblems, ...factProblems);
  registerKnowledge(flows, { knowledge, facts });
  return { flows, intents, ...(opens ? { opens } : {}), knowledge, facts, problems };
}

/** Loads and validates, or throws one error listing every problem (start-up uses this). */
export function loadFlowsOrThrow(dir: string): { flows: FlowSet; intents: Intents; opens?: Opens } {
  const { flows, intents, opens, problems } = loadFlows(dir);
  if (problems.length) {
    throw new HelpdeskError('flow.invalid', `invalid flows:\n${problems.map(formatProblem).join('\n')}`);
  }
  return { flows, intents, ...(opens ? { opens } : {}) };
}

/** Every `flow/step` that `opens:` starts a topic at. */
function openingsOf(opens: Opens): string[] {
  return [...Object.values(opens.intents), ...Object.values(opens.device), opens.takeover ?? '', opens.doubt ?? '', opens.doubt_mail ?? '', opens.human ?? '', opens.device_time ?? ''].filter((t) => t.includes('/'));
}

/** Every `flow/step` a question's facts lead to (an entry into that flow, like an opening). */
function factsTargets(flows: FlowSet): string[] {
  const out: string[] = [];
  for (const flow of flows.values()) {
    for (const step of Object.values(flow.steps)) if (step.kind === 'ask' || step.kind === 'say') for (const lead of Object.values(step.facts ?? {})) if (lead.go.includes('/')) out.push(lead.go);
  }
  return out;
}

/** Every opening names a flow that exists, and a step of it. */
function opensProblems(flows: FlowSet, opens: Opens | undefined, file: string): FlowProblem[] {
  if (!opens) return [];
  const all: Array<[string, string]> = [
    ...Object.entries(opens.intents).map(([k, v]) => [`opens.intents.${k}`, v] as [string, string]),
    ...Object.entries(opens.device).map(([k, v]) => [`opens.device.${k}`, v] as [string, string]),
    ...(opens.takeover ? [['opens.takeover', opens.takeover] as [string, string]] : []),
    ...(opens.doubt ? [['opens.doubt', opens.doubt] as [string, string]] : []),
    ...(opens.doubt_mail ? [['opens.doubt_mail', opens.doubt_mail] as [string, string]] : []),
    ...(opens.human ? [['opens.human', opens.human] as [string, string]] : []),
    ...(opens.device_time ? [['opens.device_time', opens.device_time] as [string, string]] : []),
  ];
  const problems: FlowProblem[] = [];
  for (const [key, target] of all) {
    const [flowId, stepId] = target.split('/');
    const flow = flows.get(flowId ?? '');
    if (!flow) problems.push({ file, key, message: `no flow "${flowId}"` });
    else if (stepId && !flow.steps[stepId]) problems.push({ file, key, message: `flow ${flowId} has no step "${stepId}"` });
  }
  return problems;
}
