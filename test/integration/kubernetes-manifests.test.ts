import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { IMAGE_NODE_FLAGS, WEB_NODE_FLAGS } from '../../bench/lib/child.ts';
import { envSchema } from '../../src/config/env.ts';
import { parseFileConfig } from '../../src/registry/load-config.ts';
import type { Role } from '../../src/roles/start.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type Manifest = any;

const DIR = 'deploy/kubernetes';
const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS()));
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployment = (role: string) =>
  ofKind('Deployment').find((d) => d.spec.template.spec.containers[0].args[0] === role);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const envOf = (container: Manifest): Record<string, Manifest> =>
  Object.fromEntries(container.env.map((e: Manifest) => [e.name, e]));

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.stop();
  });

  it('hold the kinds opsbot needs, each named once', () => {
    const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ConfigMap/opsbot-config',
      'Deployment/opsbot-web',
      'Deployment/opsbot-worker',
      'HorizontalPodAutoscaler/opsbot-worker',
      'PodDisruptionBudget/opsbot-web',
      'PodDisruptionBudget/opsbot-worker',
      'Service/opsbot-web',
    ]);
    const listed = (
      parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
        resources: string[];
      }
    ).resources.sort();
    expect(listed).toEqual(
      readdirSync(DIR)
        .filter((f) => f !== 'kustomization.yaml')
        .sort(),
    );
  });

  it('set only environment variables the app reads, secrets from Secrets, and a grace the pod outlives', () => {
    // NODE_OPTIONS is read by node itself (checked in the next test).
    const known = new Set([...Object.keys(envSchema.shape), 'NODE_OPTIONS']);
    for (const role of ['web', 'worker']) {
      const spec = deployment(role).spec.template.spec;
      const env = envOf(spec.containers[0]);
      for (const name of Object.keys(env)) expect(known, `${role} ${name}`).toContain(name);
      for (const secret of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) {
        expect(env[secret].value, `${role} ${secret}`).toBeUndefined();
        expect(env[secret].valueFrom.secretKeyRef.name).toBeTruthy();
      }
      // What the app would read from these values.
      const parsed = envSchema.parse({
        ...Object.fromEntries(
          Object.entries(env)
            .filter(([, e]) => 'value' in e)
            .map(([k, e]) => [k, e.value]),
        ),
        SLACK_BOT_TOKEN: 'xoxb-from-secret',
      });
      const preStop = Number(
        spec.containers[0].lifecycle?.preStop?.exec?.command?.[1] ??
          spec.containers[0].lifecycle?.preStop?.sleep?.seconds ??
          0,
      );
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(
        parsed.OPSBOT_GRACE_SECONDS + preStop,
      );
      const port = spec.containers[0].ports.find((p: Manifest) => p.name === 'http');
      expect(port.containerPort).toBe(parsed.PORT);
      // The config file is mounted where OPSBOT_CONFIG points.
      const mount = spec.containers[0].volumeMounts.find((m: Manifest) =>
        parsed.OPSBOT_CONFIG.startsWith(`${m.mountPath}/`),
      );
      const volume = spec.volumes.find((v: Manifest) => v.name === mount.name);
      expect(volume.configMap.name).toBe('opsbot-config');
      expect(Object.keys(ofKind('ConfigMap')[0].data)).toContain(
        parsed.OPSBOT_CONFIG.slice(mount.mountPath.length + 1),
      );
    }
  });

  it('run each role with the node flags the benches measure (bench/lib/child.ts)', () => {
    // The web Deployment's NODE_OPTIONS replaces the image's; the worker keeps the image's
    // (the Dockerfile's, checked against IMAGE_NODE_FLAGS in test/unit/dockerfile.test.ts).
    const nodeOptions = (role: string) =>
      envOf(deployment(role).spec.template.spec.containers[0]).NODE_OPTIONS?.value;
    expect(nodeOptions('web')).toBe(WEB_NODE_FLAGS.join(' '));
    expect(nodeOptions('worker')).toBeUndefined();
    expect(IMAGE_NODE_FLAGS.length).toBeGreaterThan(0);
  });

  it('select the right pods: Service → web, PDB per role, HPA → worker Deployment', () => {
    const web = deployment('web');
    const worker = deployment('worker');
    const labels = (d: Manifest) => d.spec.template.metadata.labels;
    for (const d of [web, worker])
      expect(matches(d.spec.selector.matchLabels, labels(d))).toBe(true);
    const [service] = ofKind('Service');
    expect(matches(service.spec.selector, labels(web))).toBe(true);
    expect(matches(service.spec.selector, labels(worker))).toBe(false);
    expect(service.spec.ports[0].targetPort).toBe('http');
    for (const d of [web, worker]) {
      const budgets = ofKind('PodDisruptionBudget').filter((p) =>
        matches(p.spec.selector.matchLabels, labels(d)),
      );
      expect(budgets).toHaveLength(1);
      expect(budgets[0].spec.minAvailable).toBeLessThan(d.spec.replicas);
    }
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: worker.metadata.name,
    });
    expect(worker.spec.template.spec.containers[0].resources.requests.cpu).toBeTruthy();
  });

  it("probe paths the app serves, in each role, with the ConfigMap's opsbot.yml", async () => {
    const text = ofKind('ConfigMap')[0].data['opsbot.yml'] as string;
    const { file, problems } = parseFileConfig(text, 'configmap opsbot.yml');
    expect(problems).toEqual([]);
    for (const role of ['web', 'worker'] as Role[]) {
      const container = deployment(role).spec.template.spec.containers[0];
      const h = await startHarness({ file, role });
      harnesses.push(h);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe.httpGet.port).toBe('http');
        const response = await fetch(`${h.baseUrl}${probe.httpGet.path}`);
        // /ready may say 503 (no worker heartbeat yet in a lone web process), never 404.
        expect([200, 503], `${role} ${probe.httpGet.path}`).toContain(response.status);
      }
      expect(container.livenessProbe.httpGet.path).toBe('/health');
      expect(container.readinessProbe.httpGet.path).toBe('/ready');
    }
  });
});
