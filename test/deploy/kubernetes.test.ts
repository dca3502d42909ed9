// deploy/kubernetes.yaml against Kubernetes' own schemas, offline, in two passes. kubernetes-models
// carries the JSON schemas generated from the Kubernetes API's OpenAPI definitions (apps/v1
// Deployment, v1 Secret and Service; 1.29 and later) compiled with ajv: types, required fields, enums
// and formats. Those compiled schemas let unknown fields through, so each object is also type-checked
// as an object literal of its kind's TypeScript type, which kubernetes-models generates from the same
// definitions: TypeScript refuses a property the type does not declare, at any depth, as
// `kubeconform --strict` does (kubeconform is not packaged for Debian). The probes and ports the
// helpdesk needs are checked by name in probes.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

interface Manifest {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

const MODELS: Record<string, (doc: Manifest) => { validate(): void }> = {
  'apps/v1 Deployment': (doc) => new Deployment(doc as ConstructorParameters<typeof Deployment>[0]),
  'v1 Secret': (doc) => new Secret(doc as ConstructorParameters<typeof Secret>[0]),
  'v1 Service': (doc) => new Service(doc as ConstructorParameters<typeof Service>[0]),
};

/** The schema's complaint about one manifest, or '' when it is valid. */
function problems(doc: Manifest): string {
  const model = MODELS[`${doc.apiVersion} ${doc.kind}`];
  if (!model) return `no schema here for ${doc.apiVersion} ${doc.kind}`;
  try {
    model(doc).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The TypeScript type of each kind the file holds, in kubernetes-models. */
const TYPES: Record<string, { module: string; name: string }> = {
  'apps/v1 Deployment': { module: 'kubernetes-models/apps/v1/Deployment', name: 'IDeployment' },
  'v1 Secret': { module: 'kubernetes-models/v1/Secret', name: 'ISecret' },
  'v1 Service': { module: 'kubernetes-models/v1/Service', name: 'IService' },
};

/**
 * The strict pass: every object as a literal of its kind's type, compiled in memory. Returns the
 * compiler's complaints (an unknown field: "Object literal may only specify known properties, and
 * '"replica"' does not exist in type …"); TypeScript names the first unknown field of each object.
 */
function strictProblems(docs: Manifest[]): string[] {
  const file = path.join(ROOT, 'test/deploy/manifests-as-literals.ts');
  const source = docs
    .map((doc, i) => {
      const type = TYPES[`${doc.apiVersion} ${doc.kind}`];
      if (!type) return `export const m${i}: never = 'no type here for ${doc.apiVersion} ${doc.kind}';\n`;
      return `import type { ${type.name} as T${i} } from '${type.module}';\nexport const m${i}: T${i} = ${JSON.stringify(doc)};\n`;
    })
    .join('');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
  const host = ts.createCompilerHost(options);
  const fromDisk = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, source, version) : fromDisk(name, version, ...rest));
  return ts
    .getPreEmitDiagnostics(ts.createProgram([file], options, host))
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

const manifests = () => parseAllDocuments(readFileSync(path.join(ROOT, 'deploy/kubernetes.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);

describe('deploy/kubernetes.yaml', () => {
  it('every object validates against the Kubernetes API schema of its kind', () => {
    const docs = manifests();
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    for (const doc of docs) expect(problems(doc), doc.kind).toBe('');
  });

  it('no object has a field Kubernetes does not know (the strict pass)', () => {
    expect(strictProblems(manifests())).toEqual([]);
  });

  it('a misspelt field is refused by the strict pass, at the top of a spec and deep in a container', () => {
    const docs = manifests();
    const deployment = docs.find((d) => d.kind === 'Deployment') as Manifest & { spec: { replicas?: unknown; template: { spec: { containers: Array<Record<string, unknown>> } } } };
    const { replicas, ...rest } = deployment.spec;
    const misspelt = { ...deployment, spec: { ...rest, replica: replicas } };
    // The ajv pass lets it through: that is why the strict pass is there.
    expect(problems(misspelt)).toBe('');
    expect(strictProblems([misspelt]).join('\n')).toMatch(/'"replica"' does not exist in type '\w*DeploymentSpec'/);
    const container = deployment.spec.template.spec.containers[0] as Record<string, unknown>;
    const { readinessProbe, ...others } = container;
    const deep = structuredClone(deployment);
    deep.spec.template.spec.containers[0] = { ...others, readynessProbe: readinessProbe };
    expect(strictProblems([deep]).join('\n')).toMatch(/'"readynessProbe"' does not exist in type '\w*Container'/);
    // A kind with no type here is refused, not waved through.
    expect(strictProblems([{ apiVersion: 'v1', kind: 'ConfigMapp' }])).toHaveLength(1);
  });

  it('a manifest with a wrong type or a missing required field is refused (the check can fail)', () => {
    const deployment = manifests().find((d) => d.kind === 'Deployment') as Manifest & { spec: { replicas: unknown; selector?: unknown } };
    expect(problems({ ...deployment, spec: { ...deployment.spec, replicas: 'two' } })).toMatch(/replicas must be integer/);
    const { selector: _selector, ...noSelector } = deployment.spec;
    expect(problems({ ...deployment, spec: noSelector as typeof deployment.spec })).toMatch(/selector/);
    expect(problems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'http' }] } })).toMatch(/port must be integer/);
  });

  it('says how to keep the secrets out of the file', () => {
    expect(readFileSync(path.join(ROOT, 'deploy/kubernetes.yaml'), 'utf8')).toContain('kubectl create secret generic 2fa-helpdesk --from-env-file=');
  });
});
