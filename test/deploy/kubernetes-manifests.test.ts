import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';

import { loadConfig } from '../../src/config/load-config.ts';

const dir = 'deploy/kubernetes';
type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const manifests = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => ({ file, manifest: document.toJS() as Manifest })),
);
const models = { Deployment, Service, PodDisruptionBudget, NetworkPolicy, ConfigMap } as const;
const find = <K extends keyof typeof models>(kind: K) =>
  manifests.find(({ manifest }) => manifest.kind === kind)?.manifest as unknown as ConstructorParameters<(typeof models)[K]>[0] & Manifest;

test('every manifest is valid against the Kubernetes schemas of its kind (kubernetes-models, offline)', (t) => {
  const kinds = new Set<string>();
  for (const { file, manifest } of manifests) {
    if (manifest.kind === 'Kustomization') continue;
    const Model = models[manifest.kind as keyof typeof models];
    if (!Model) {
      t.fail(`${file}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    t.notThrows(() => new Model(manifest as never).validate(), `${file}: ${manifest.kind}`);
    kinds.add(manifest.kind);
  }
  t.deepEqual([...kinds].sort(), ['ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service']);
});

test('a manifest with a wrong field fails the same validation, so the check is not vacuous', (t) => {
  const deployment = structuredClone(find('Deployment'));
  (deployment.spec as { replicas: unknown }).replicas = 'two';
  t.throws(() => new Deployment(deployment).validate());
});

test('the kustomization lists every manifest of the folder', (t) => {
  const kustomization = manifests.find(({ manifest }) => manifest.kind === 'Kustomization')?.manifest as unknown as { resources: string[] };
  t.deepEqual([...kustomization.resources].sort(), files.filter((file) => file !== 'kustomization.yaml').sort());
});

test('the Deployment runs two non-root replicas on a read-only root filesystem, probed on /healthz and /readyz, with resources', (t) => {
  const deployment = find('Deployment');
  const spec = deployment.spec!;
  t.is(spec.replicas, 2);
  const pod = spec.template.spec!;
  const [container] = pod.containers;
  t.true(pod.securityContext?.runAsNonRoot);
  t.true(container?.securityContext?.readOnlyRootFilesystem);
  t.false(container?.securityContext?.allowPrivilegeEscalation);
  t.deepEqual(container?.securityContext?.capabilities?.drop, ['ALL']);
  t.is(container?.livenessProbe?.httpGet?.path, '/healthz');
  t.is(container?.readinessProbe?.httpGet?.path, '/readyz');
  t.truthy(container?.resources?.requests?.cpu);
  t.truthy(container?.resources?.limits?.memory);
  const pdb = find('PodDisruptionBudget');
  t.is(pdb.spec?.minAvailable, 1);
  t.deepEqual(pdb.spec?.selector?.matchLabels, spec.selector.matchLabels);
  t.deepEqual(find('Service').spec?.selector, spec.selector.matchLabels);
  t.deepEqual(find('NetworkPolicy').spec?.podSelector.matchLabels, spec.selector.matchLabels);
});

test('the keys, cookie keys, pepper and Redis URL come from the Secret, and what the manifests set is a configuration tollgate accepts', (t) => {
  const container = find('Deployment').spec!.template.spec!.containers[0]!;
  const fromSecret = Object.fromEntries(
    (container.env ?? []).filter((entry) => entry.valueFrom?.secretKeyRef).map((entry) => [entry.name, entry.valueFrom?.secretKeyRef?.name]),
  );
  for (const name of ['TOLLGATE_JWKS', 'TOLLGATE_COOKIE_KEYS', 'TOLLGATE_SECRET_PEPPER', 'REDIS_URL']) t.is(fromSecret[name], 'tollgate', name);
  t.is(container.envFrom?.[0]?.configMapRef?.name, find('ConfigMap').metadata.name);

  // The Secret as the commands in deployment.yaml make it, with the ConfigMap: loadConfig accepts it.
  const hex = () => execSync('openssl rand -hex 32', { encoding: 'utf8' }).trim();
  const jwks = execSync(`${process.execPath} src/cli/main.ts keys generate`, { encoding: 'utf8' });
  const secret = {
    TOLLGATE_JWKS: jwks,
    TOLLGATE_COOKIE_KEYS: hex(),
    TOLLGATE_SECRET_PEPPER: hex(),
    REDIS_URL: 'redis://:password@redis:6379',
    TOLLGATE_BOOTSTRAP_ADMIN_SECRET: hex(),
  };
  const config = loadConfig({ TOLLGATE_CONFIG_FILE: '', ...(find('ConfigMap').data as Record<string, string>), ...secret });
  t.is(config.issuer, 'https://auth.example.org');
  t.is(config.metrics.port, Number(container.ports?.find((port) => port.name === 'metrics')?.containerPort));
  t.is(config.port, Number(container.ports?.find((port) => port.name === 'http')?.containerPort));
});
