// deploy/kubernetes.yaml against Kubernetes' own schemas: kubernetes-models carries the JSON schemas
// generated from the Kubernetes API's OpenAPI definitions (apps/v1 Deployment, v1 Secret and Service;
// 1.29 and later), compiled with ajv, so types, required fields, enums and formats are checked offline.
// It does not reject unknown fields (kubeconform's --strict would); the probes and ports the helpdesk
// needs are checked by name in probes.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

const manifests = () => parseAllDocuments(readFileSync(path.join(ROOT, 'deploy/kubernetes.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);

describe('deploy/kubernetes.yaml', () => {
  it('every object validates against the Kubernetes API schema of its kind', () => {
    const docs = manifests();
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    for (const doc of docs) expect(problems(doc), doc.kind).toBe('');
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
