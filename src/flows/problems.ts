// A problem found in a flow file, located as precisely as we can: file, flow, step, key.
export interface FlowProblem {
  file: string;
  flow?: string;
  step?: string;
  key?: string;
  message: string;
}

export function formatProblem(p: FlowProblem): string {
  const where = [
    p.file,
    p.flow ? `flow ${p.flow}` : undefined,
    p.step ? `step ${p.step}` : undefined,
    p.key ? `key ${p.key}` : undefined,
  ].filter(Boolean);
  return `${where.join(', ')}: ${p.message}`;
}
