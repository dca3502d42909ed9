// Which intent or fact opens which topic: read from `opens:` in flows/_intents.yaml, so the engine's
// code names no flow. A flow set loaded from a folder carries its map; tests may pass their own.
import type { FlowSet, Opens } from './schema.ts';

export type { Opens } from './schema.ts';

const registry = new WeakMap<FlowSet, Opens>();
const EMPTY: Opens = { intents: {}, in_place: {}, device: {}, ask_between: [] };

export function registerOpens(flows: FlowSet, opens: Opens): void {
  registry.set(flows, opens);
}

export function opensOf(flows: FlowSet, given?: Opens): Opens {
  return given ?? registry.get(flows) ?? EMPTY;
}

export interface Opening {
  flow: string;
  step?: string;
}

export function parseOpening(target: string | undefined): Opening | undefined {
  if (!target) return undefined;
  const [flow, step] = target.split('/');
  return flow ? { flow, ...(step ? { step } : {}) } : undefined;
}
