// The deployment examples check what each probe is for: Kubernetes restarts on /livez and routes on
// /readyz; the image's own HEALTHCHECK (which an orchestrator may restart on) is liveness; compose,
// which only waits for its replicas, checks readiness. Every path they name is one `serve` answers.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PROBE_PATHS } from '../../src/channels/shared/probes.ts';
import { ROOT } from '../helpers/cli.ts';

const read = (file: string) => readFileSync(path.join(ROOT, 'deploy', file), 'utf8');

interface Container {
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
  startupProbe?: { httpGet: { path: string } };
}

describe('the deployment examples probe what each probe is for', () => {
  it('Kubernetes: liveness and start-up on /livez, readiness on /readyz', () => {
    const deployment = parseAllDocuments(read('kubernetes.yaml'))
      .map((d) => d.toJS() as { kind: string; spec?: { template?: { spec: { containers: Container[] } } } })
      .find((d) => d.kind === 'Deployment');
    const container = deployment?.spec?.template?.spec.containers[0];
    expect(container?.livenessProbe?.httpGet.path).toBe('/livez');
    expect(container?.startupProbe?.httpGet.path).toBe('/livez');
    expect(container?.readinessProbe?.httpGet.path).toBe('/readyz');
  });

  it("the image's HEALTHCHECK is liveness, compose's readiness, and no example names another path", () => {
    expect(/HEALTHCHECK[^\n]*\/(\w+)'\)/.exec(read('Dockerfile'))?.[1]).toBe('livez');
    expect(/healthcheck:[\s\S]*?fetch\('http:\/\/127\.0\.0\.1:3000(\/\w+)'\)/.exec(read('compose.yaml'))?.[1]).toBe('/readyz');
    for (const file of ['kubernetes.yaml', 'Dockerfile', 'compose.yaml', '2fa-helpdesk.service']) {
      for (const [probe] of read(file).matchAll(/\/(?:livez|readyz|healthz|health)\b/g)) expect(PROBE_PATHS).toContain(probe);
    }
  });
});
