// The rules k8s/ must keep, checked on the objects `kubectl kustomize` renders, against what the
// code says (service-facts.ts): ports, probe paths, the environment each service accepts. Each
// rule returns the problems it finds as `<Kind>/<name>: …` lines, so a failing test names them.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  checkServiceEnv,
  envDefaultOf,
  envKeysOf,
  listeningPorts,
  probePaths,
  publicTcpListeners,
  serviceNames,
  type ServiceName,
} from './service-facts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path?: string; port: string | number };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: SecurityContext;
    terminationGracePeriodSeconds?: number;
  };
}

interface NetworkPolicyPort {
  protocol?: string;
  port?: string | number;
}

/** A rendered object; `spec` is typed by the kinds that read it (see the casts below). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface DeploymentSpec {
  replicas?: number;
  template: PodTemplate;
}
interface ServiceSpec {
  type?: string;
  externalTrafficPolicy?: string;
  selector?: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: string | number }[];
}
interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: { from?: unknown[]; ports?: NetworkPolicyPort[] }[];
  egress?: { to?: unknown[]; ports?: NetworkPolicyPort[] }[];
}
interface IngressBackend {
  service?: { name: string; port: { name?: string; number?: number } };
}
interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string; http?: { paths: { path?: string; pathType: string; backend: IngressBackend }[] } }[];
}

/** Values that must come from a Secret reference, never from a literal or a ConfigMap. */
const SECRET_VALUED = /PASSWORD|SECRET|TOKEN_KEY|DATABASE_URL/;

/** The services that keep no state of their own and may be autoscaled on CPU (docs/architecture.md, "Running modes"). */
export const STATELESS_SERVICES: readonly ServiceName[] = ['ews-gateway', 'presence-bridge'];

/** The public TCP listeners (SMTP, SIP) by their port name in listeningPorts and in the manifests. */
const PUBLIC_TCP_LISTENERS = new Map(publicTcpListeners.map((l) => [l.name, l]));

/** PostgreSQL's port: DATABASE_URL is a Secret, so the manifests cannot say which one is used. */
const POSTGRES_PORT = 5432;
const DNS_PORT = 53;

const repoRoot = path.resolve(__dirname, '../..');

/** `kubectl kustomize <dir>` (relative to the repository), parsed. */
export function renderKustomization(dir: string): K8sObject[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', path.join(repoRoot, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('kubectl is not installed: apt-get install -y kubectl (the k8s tests render k8s/ with `kubectl kustomize`)', {
        cause: error,
      });
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Each object checked against its API schema (kubernetes-models, by a script: the models are ES modules only). */
export function schemaProblems(objects: K8sObject[]): string[] {
  const script = path.join(__dirname, 'validate-k8s-objects.mjs');
  const run = spawnSync(process.execPath, [script], { input: JSON.stringify(objects), encoding: 'utf8', cwd: repoRoot });
  if (run.status !== 0) throw new Error(`validate-k8s-objects.mjs failed: ${run.stderr}`);
  const failures = JSON.parse(run.stdout) as { kind: string; name?: string; problems: string[] }[];
  return failures.flatMap((f) => f.problems.map((p) => `${f.kind}/${f.name ?? '?'}: ${p}`));
}

export interface ManifestOptions {
  /** Production rules too: pinned images, at least two replicas, minAvailable budgets, TLS on the ingress. */
  production: boolean;
}

/** Every rule on one rendering; [] when it keeps them all. */
export function manifestProblems(objects: K8sObject[], options: ManifestOptions): string[] {
  const m = new Manifests(objects);
  const problems = [
    ...secretsWithData(m),
    ...serviceCoverage(m),
    ...m.workloads.flatMap((w) => containerRules(m, w, options)),
    ...m.deployments.flatMap((d) => deploymentRules(m, d, options)),
    ...migrationJobRules(m),
    ...serviceRules(m),
    ...networkPolicyRules(m),
    ...autoscalerRules(m),
    ...disruptionBudgetRules(m, options),
    ...ingressRules(m, options),
    ...serviceMonitorRules(m),
  ];
  return [...new Set(problems)];
}

/** The backend service ingress-nginx picks for `path`, or undefined (the default backend). */
export function routeOf(objects: K8sObject[], path: string): string | undefined {
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const regex = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex'] === 'true';
    const paths = ((ingress.spec as IngressSpec).rules ?? []).flatMap((r) => r.http?.paths ?? []);
    // ingress-nginx writes the locations longest path first; with use-regex each is `location ~* ^<path>`.
    const ordered = [...paths].sort((a, b) => (b.path ?? '/').length - (a.path ?? '/').length);
    const hit = ordered.find((p) => {
      const declared = p.path ?? '/';
      if (regex) return new RegExp(`^${declared}`, 'i').test(path);
      if (p.pathType === 'Exact') return path === declared;
      return path === declared || path.startsWith(declared.endsWith('/') ? declared : `${declared}/`);
    });
    if (hit) return hit.backend.service?.name;
  }
  return undefined;
}

interface Workload {
  object: K8sObject;
  template: PodTemplate;
  labels: Record<string, string>;
}

/** The rendered objects, indexed for the rules. */
class Manifests {
  readonly deployments: Workload[];
  readonly workloads: Workload[];

  constructor(readonly objects: K8sObject[]) {
    const workloadOf = (o: K8sObject): Workload => {
      const template = (o.spec as unknown as DeploymentSpec).template;
      return { object: o, template, labels: template.metadata?.labels ?? {} };
    };
    this.deployments = this.ofKind('Deployment').map(workloadOf);
    this.workloads = [...this.deployments, ...this.ofKind('Job').map(workloadOf)];
  }

  ofKind(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  find(kind: string, name: string): K8sObject | undefined {
    return this.objects.find((o) => o.kind === kind && o.metadata.name === name);
  }

  podsSelectedBy(selector: LabelSelector): Workload[] {
    return this.workloads.filter((w) => selects(selector, w.labels));
  }
}

function id(o: K8sObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In':
        return k8sHas(labels, e.key) && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !k8sHas(labels, e.key) || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return k8sHas(labels, e.key);
      case 'DoesNotExist':
        return !k8sHas(labels, e.key);
    }
    return false;
  });
  return byLabels && byExpressions;
}

function k8sHas(labels: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function allContainers(template: PodTemplate): Container[] {
  return [...(template.spec.initContainers ?? []), ...template.spec.containers];
}

/** The service a container runs (`node dist/apps/<service>/main.js`), and whether it runs `migrate`. */
export function serviceOfContainer(c: Container): { service: ServiceName; migrate: boolean } | undefined {
  const words = [...(c.command ?? []), ...(c.args ?? [])];
  const main = words.map((w) => /^(?:\/app\/)?dist\/apps\/([a-z-]+)\/main\.js$/.exec(w)).find((match) => match !== null);
  const service = serviceNames.find((s) => s === main?.[1]);
  return service && { service, migrate: words.at(-1) === 'migrate' };
}

// ---- Secrets -------------------------------------------------------------------------------------

function secretsWithData(m: Manifests): string[] {
  const secrets = m
    .ofKind('Secret')
    .filter((s) => s.data !== undefined || s.stringData !== undefined)
    .map((s) => `${id(s)}: a Secret with data in the repository; reference Secrets created outside it (k8s/README.md)`);
  const inConfigMaps = m.ofKind('ConfigMap').flatMap((c) =>
    Object.keys(c.data ?? {})
      .filter((key) => SECRET_VALUED.test(key))
      .map((key) => `${id(c)}: holds ${key}, a secret; reference a Secret instead`),
  );
  return [...secrets, ...inConfigMaps];
}

// ---- Workloads and containers --------------------------------------------------------------------

function serviceCoverage(m: Manifests): string[] {
  return serviceNames.flatMap((service) => {
    const running = m.deployments.filter((d) =>
      d.template.spec.containers.some((c) => serviceOfContainer(c)?.service === service && !serviceOfContainer(c)?.migrate),
    );
    return running.length === 1 ? [] : [`${service}: ${running.length} Deployments run it (expected one)`];
  });
}

/** A container's environment as the kubelet assembles it: envFrom in order, then env; Secret references as placeholders. */
export function containerEnv(
  m: { find(kind: string, name: string): K8sObject | undefined },
  c: Container,
): { env: Record<string, string>; optional: string[]; secretRefs: string[]; problems: string[] } {
  const env: Record<string, string> = {};
  const optional: string[] = [];
  const secretRefs: string[] = [];
  const problems: string[] = [];
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) {
      const map = m.find('ConfigMap', source.configMapRef.name);
      if (!map) problems.push(`envFrom names ConfigMap ${source.configMapRef.name}, which is not rendered`);
      Object.assign(env, map?.data ?? {});
    }
    if (source.secretRef)
      problems.push(`envFrom secretRef ${source.secretRef.name}: its keys cannot be checked; use secretKeyRef per variable`);
  }
  for (const v of c.env ?? []) {
    const secret = v.valueFrom?.secretKeyRef;
    if (secret) {
      // Stand-ins that pass the schema, as a real value would.
      env[v.name] = v.name === 'DATABASE_URL' ? 'postgres://parley@postgres.invalid:5432/parley' : `placeholder-${v.name}`.padEnd(48, 'x');
      secretRefs.push(v.name);
      if (secret.optional) optional.push(v.name);
    } else if (v.value !== undefined) {
      env[v.name] = v.value;
    } else {
      problems.push(`${v.name}: only literal values and secretKeyRef are expected`);
    }
  }
  return { env, optional, secretRefs, problems };
}

function containerRules(m: Manifests, w: Workload, options: ManifestOptions): string[] {
  const problems: string[] = [];
  const pod = w.template.spec.securityContext ?? {};
  for (const c of allContainers(w.template)) {
    const where = `${id(w.object)} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
    const uid = sc.runAsUser ?? pod.runAsUser;
    if (typeof uid !== 'number' || uid === 0) problems.push(`${where}: runAsUser must be a numeric non-root uid`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (sc.privileged) problems.push(`${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities ${sc.capabilities?.add?.join(', ')}`);
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault')
      problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.[kind]?.[resource]) problems.push(`${where}: no ${resource} ${kind}`);
      }
    }
    problems.push(...imageRules(where, c.image, options));
    problems.push(...envRules(m, where, c));
  }
  return problems;
}

function imageRules(where: string, image: string | undefined, options: ManifestOptions): string[] {
  if (!image) return [`${where}: no image`];
  if (image === 'parley') return [`${where}: the image is still the base's placeholder "parley" (an overlay sets it with images:)`];
  if (!options.production) return [];
  if (image.includes('@sha256:')) return [];
  const lastPart = image.split('/').at(-1) ?? image;
  const tag = lastPart.includes(':') ? lastPart.split(':').at(-1) : undefined;
  if (tag === undefined) return [`${where}: image ${image} has no tag or digest`];
  if (tag === 'latest') return [`${where}: image ${image} is "latest"; pin a release tag or a digest`];
  return [];
}

function envRules(m: Manifests, where: string, c: Container): string[] {
  const runs = serviceOfContainer(c);
  if (!runs) return [`${where}: runs no Parley service (expected node dist/apps/<service>/main.js)`];
  const { env, optional, secretRefs, problems } = containerEnv(m, c);
  const out = problems.map((p) => `${where}: ${p}`);
  const reads = new Set(envKeysOf(runs.service));
  for (const key of Object.keys(env)) {
    if (!reads.has(key)) out.push(`${where}: sets ${key}, which ${runs.service} does not read`);
    if (SECRET_VALUED.test(key) && !secretRefs.includes(key)) out.push(`${where}: ${key} must come from a Secret (secretKeyRef)`);
  }
  // With the optional Secret keys present and absent: the service starts either way.
  const withoutOptional = Object.fromEntries(Object.entries(env).filter(([k]) => !optional.includes(k)));
  for (const variant of optional.length > 0 ? [env, withoutOptional] : [env]) {
    const check = checkServiceEnv(runs.service, variant);
    if (!check.ok) out.push(...check.problems.map((p) => `${where}: ${runs.service} would not start: ${p}`));
  }
  return out;
}

/** The port a probe or a Service's targetPort names, as a number on container `c`. */
function resolvePort(c: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

function deploymentRules(m: Manifests, d: Workload, options: ManifestOptions): string[] {
  const problems: string[] = [];
  for (const c of d.template.spec.containers) {
    const runs = serviceOfContainer(c);
    if (!runs) continue;
    const where = `${id(d.object)} container ${c.name}`;
    // The pod must outlive the process's own shutdown budget, or the kubelet kills it mid-drain.
    const graceText = containerEnv(m, c).env.PARLEY_SHUTDOWN_GRACE_MS ?? envDefaultOf(runs.service, 'PARLEY_SHUTDOWN_GRACE_MS');
    const termination = d.template.spec.terminationGracePeriodSeconds ?? 30;
    if (graceText === undefined) problems.push(`${where}: PARLEY_SHUTDOWN_GRACE_MS is neither set nor defaulted by the service`);
    else if (termination * 1000 <= Number(graceText)) {
      problems.push(
        `${id(d.object)}: terminationGracePeriodSeconds ${termination} s does not exceed PARLEY_SHUTDOWN_GRACE_MS ${graceText} ms`,
      );
    }
    const check = checkServiceEnv(runs.service, containerEnv(m, c).env);
    if (!check.ok) continue; // envRules reports it
    const config = check.config;
    const declared = (c.ports ?? []).map((p) => `${p.name}=${p.containerPort}`).sort();
    const listening = listeningPorts(config)
      .map((p) => `${p.name}=${p.port}`)
      .sort();
    if (declared.join() !== listening.join()) {
      problems.push(
        `${where}: containerPorts ${declared.join(', ')} differ from the ports the service listens on, ${listening.join(', ')}`,
      );
    }
    if (['127.0.0.1', 'localhost', '::1'].includes(config.http.host)) {
      problems.push(`${where}: HTTP listens on ${config.http.host}, unreachable for probes and the Service (set PARLEY_HTTP_HOST)`);
    }
    const probes: [string, Probe | undefined, string][] = [
      ['startupProbe', c.startupProbe, probePaths.readiness],
      ['readinessProbe', c.readinessProbe, probePaths.readiness],
      ['livenessProbe', c.livenessProbe, probePaths.liveness],
    ];
    for (const [name, probe, expectedPath] of probes) {
      if (!probe?.httpGet) {
        problems.push(`${where}: no ${name} (httpGet ${expectedPath})`);
        continue;
      }
      if (probe.httpGet.path !== expectedPath)
        problems.push(`${where}: ${name} asks ${probe.httpGet.path}, the service answers ${expectedPath}`);
      const port = resolvePort(c, probe.httpGet.port);
      if (port !== config.http.port) problems.push(`${where}: ${name} port ${probe.httpGet.port} is not the HTTP port ${config.http.port}`);
    }
  }
  if (options.production) {
    const min = minReplicas(m, d);
    if (min < 2) problems.push(`${id(d.object)}: ${min} replica(s) at least; production runs two or more`);
  }
  return problems;
}

function autoscalerOf(m: Manifests, d: Workload): K8sObject | undefined {
  return m.ofKind('HorizontalPodAutoscaler').find((h) => {
    const ref = (h.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
    return ref.kind === 'Deployment' && ref.name === d.object.metadata.name;
  });
}

function minReplicas(m: Manifests, d: Workload): number {
  const hpa = autoscalerOf(m, d);
  if (hpa) return (hpa.spec as { minReplicas?: number }).minReplicas ?? 1;
  return (d.object.spec as unknown as DeploymentSpec).replicas ?? 1;
}

function migrationJobRules(m: Manifests): string[] {
  const jobs = m.ofKind('Job');
  if (jobs.length === 0) return [];
  const problems: string[] = [];
  const migrated = jobs.flatMap((j) =>
    allContainers((j.spec as unknown as DeploymentSpec).template)
      .map(serviceOfContainer)
      .filter((r) => r?.migrate)
      .map((r) => r?.service),
  );
  for (const service of serviceNames) {
    const times = migrated.filter((s) => s === service).length;
    if (times !== 1) problems.push(`migration: ${service} is migrated ${times} times (expected once)`);
  }
  const images = new Set(m.workloads.flatMap((w) => allContainers(w.template).map((c) => c.image)));
  if (images.size > 1)
    problems.push(`workloads: more than one image (${[...images].join(', ')}); every service and the migration run one release`);
  return problems;
}

// ---- Services ------------------------------------------------------------------------------------

function serviceRules(m: Manifests): string[] {
  const problems: string[] = [];
  for (const s of m.ofKind('Service')) {
    const spec = s.spec as unknown as ServiceSpec;
    const pods = spec.selector ? m.podsSelectedBy({ matchLabels: spec.selector }) : [];
    if (pods.length === 0) {
      problems.push(`${id(s)}: its selector matches no pod template`);
      continue;
    }
    for (const port of spec.ports) {
      for (const pod of pods) {
        const target = port.targetPort ?? port.port;
        if (!pod.template.spec.containers.some((c) => hasPort(c, target))) {
          problems.push(`${id(s)}: port ${port.name ?? port.port} targets ${target}, which ${id(pod.object)} does not declare`);
        }
      }
    }
    const listeners = spec.ports.flatMap((p) => {
      const listener = typeof p.targetPort === 'string' ? PUBLIC_TCP_LISTENERS.get(p.targetPort) : undefined;
      return listener ? [{ port: p, listener }] : [];
    });
    for (const { port, listener } of listeners) {
      const standard = Number(envDefaultOf(listener.service, listener.key));
      if (port.port !== standard)
        problems.push(
          `${id(s)}: ${port.targetPort} is published on ${port.port}, not on ${standard} (${listener.key}'s distributed default)`,
        );
    }
    // The listeners' limits and throttles key on the client's address: a load balancer that SNATs hides it.
    if (spec.type === 'LoadBalancer' && spec.externalTrafficPolicy !== 'Local') {
      const proxied = pods.some((p) => p.template.spec.containers.some((c) => containerEnv(m, c).env.PARLEY_SMTP_PROXY_PROTOCOL_FROM));
      if (listeners.some(({ listener }) => listener.service === 'voicemail-ingest') && !proxied)
        problems.push(
          `${id(s)}: SMTP clients' addresses are lost (externalTrafficPolicy is not Local and no PARLEY_SMTP_PROXY_PROTOCOL_FROM)`,
        );
      // SIP over TCP and TLS read no PROXY protocol header: Local is the only way to keep the address.
      if (listeners.some(({ listener }) => listener.service === 'presence-bridge'))
        problems.push(`${id(s)}: SIP clients' addresses are lost (externalTrafficPolicy is not Local)`);
    }
  }
  // Every port a service opens, other than the HTTP port its probes use, is published by a Service.
  for (const d of m.deployments) {
    for (const c of d.template.spec.containers) {
      for (const p of c.ports ?? []) {
        if (p.name === 'http') continue;
        const published = m.ofKind('Service').some((s) => {
          const spec = s.spec as unknown as ServiceSpec;
          return (
            !!spec.selector &&
            selects({ matchLabels: spec.selector }, d.labels) &&
            spec.ports.some((sp) => resolvePort(c, sp.targetPort ?? sp.port) === p.containerPort)
          );
        });
        if (!published) problems.push(`${id(d.object)}: port ${p.name} (${p.containerPort}) is in no Service`);
      }
    }
  }
  return problems;
}

function hasPort(c: Container, name: string | number): boolean {
  return (c.ports ?? []).some((p) => p.name === name || p.containerPort === name);
}

// ---- Network policies ----------------------------------------------------------------------------

function policyAllowsPort(rulePorts: NetworkPolicyPort[] | undefined, c: Container, port: number): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((p) => p.port === undefined || resolvePort(c, p.port) === port);
}

function networkPolicyRules(m: Manifests): string[] {
  const problems: string[] = [];
  const policies = m.ofKind('NetworkPolicy').map((o) => ({ o, spec: o.spec as unknown as NetworkPolicySpec }));
  const isEmpty = (s: LabelSelector) => Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
  const defaultDeny = policies.some(
    ({ spec }) =>
      isEmpty(spec.podSelector) &&
      (spec.policyTypes ?? []).includes('Ingress') &&
      (spec.policyTypes ?? []).includes('Egress') &&
      (spec.ingress ?? []).length === 0 &&
      (spec.egress ?? []).length === 0,
  );
  if (!defaultDeny) problems.push('NetworkPolicy: no default deny of ingress and egress (podSelector {}, no rules)');

  for (const { o, spec } of policies) {
    const pods = m.podsSelectedBy(spec.podSelector);
    if (!isEmpty(spec.podSelector) && pods.length === 0) problems.push(`${id(o)}: selects no pod`);
    // A named port in a rule must exist on every pod the policy selects, or it allows nothing there.
    for (const rule of spec.ingress ?? []) {
      for (const port of rule.ports ?? []) {
        if (typeof port.port !== 'string') continue;
        for (const pod of pods) {
          if (!pod.template.spec.containers.some((c) => hasPort(c, port.port as string))) {
            problems.push(`${id(o)}: allows port ${port.port}, which ${id(pod.object)} does not declare`);
          }
        }
      }
    }
  }

  for (const w of m.workloads) {
    const selecting = policies.filter(({ spec }) => selects(spec.podSelector, w.labels));
    const egressRules = selecting
      .filter(({ spec }) => (spec.policyTypes ?? []).includes('Egress'))
      .flatMap(({ o, spec }) => (spec.egress ?? []).map((r) => ({ o, r })));
    const needed = new Set<number>([DNS_PORT, POSTGRES_PORT]);
    for (const c of allContainers(w.template)) {
      const runs = serviceOfContainer(c);
      const check = runs && checkServiceEnv(runs.service, containerEnv(m, c).env);
      if (check?.ok) for (const broker of check.config.bus.brokers) needed.add(Number(broker.split(':').at(-1)));
    }
    const allowedPorts = (rule: { ports?: NetworkPolicyPort[] }) => (rule.ports ?? []).map((p) => Number(p.port));
    for (const { o, r } of egressRules) {
      if (!r.ports || r.ports.length === 0) problems.push(`${id(o)}: an egress rule for ${id(w.object)} allows every port`);
      for (const port of allowedPorts(r)) {
        if (!needed.has(port))
          problems.push(`${id(o)}: ${id(w.object)} may reach port ${port}, which it does not need (Kafka, PostgreSQL, DNS only)`);
      }
    }
    for (const port of needed) {
      if (!egressRules.some(({ r }) => allowedPorts(r).includes(port))) problems.push(`${id(w.object)}: no egress to port ${port}`);
    }
  }

  // Whatever a Service publishes, a policy lets in.
  for (const s of m.ofKind('Service')) {
    const spec = s.spec as unknown as ServiceSpec;
    if (!spec.selector) continue;
    for (const pod of m.podsSelectedBy({ matchLabels: spec.selector })) {
      const ingressRules = policies
        .filter(({ spec: p }) => selects(p.podSelector, pod.labels) && (p.policyTypes ?? []).includes('Ingress'))
        .flatMap(({ spec: p }) => p.ingress ?? []);
      for (const port of spec.ports) {
        for (const c of pod.template.spec.containers) {
          const target = resolvePort(c, port.targetPort ?? port.port);
          if (target === undefined) continue;
          if (!ingressRules.some((r) => policyAllowsPort(r.ports, c, target))) {
            problems.push(`${id(s)}: port ${port.name ?? port.port} (${target} on ${id(pod.object)}) is allowed by no NetworkPolicy`);
          }
        }
      }
    }
  }
  return problems;
}

// ---- Autoscaling and disruption budgets ----------------------------------------------------------

function autoscalerRules(m: Manifests): string[] {
  const problems: string[] = [];
  for (const h of m.ofKind('HorizontalPodAutoscaler')) {
    const spec = h.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number };
    const target = spec.scaleTargetRef.kind === 'Deployment' ? m.find('Deployment', spec.scaleTargetRef.name) : undefined;
    if (!target) {
      problems.push(`${id(h)}: scales ${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}, which is not a rendered Deployment`);
      continue;
    }
    const services = (target.spec as unknown as DeploymentSpec).template.spec.containers.map(serviceOfContainer).map((r) => r?.service);
    if (!services.every((s) => s !== undefined && STATELESS_SERVICES.includes(s))) {
      problems.push(`${id(h)}: autoscales ${services.join(', ')}; only ${STATELESS_SERVICES.join(' and ')} are stateless`);
    }
    if ((spec.minReplicas ?? 1) > spec.maxReplicas) problems.push(`${id(h)}: minReplicas exceeds maxReplicas`);
    if ((target.spec as unknown as DeploymentSpec).replicas !== undefined) {
      problems.push(`${id(target)}: sets replicas although ${id(h)} scales it (every apply would reset the count)`);
    }
  }
  return problems;
}

function disruptionBudgetRules(m: Manifests, options: ManifestOptions): string[] {
  const problems: string[] = [];
  for (const b of m.ofKind('PodDisruptionBudget')) {
    const spec = b.spec as { selector: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
    const matched = m.deployments.filter((d) => selects(spec.selector, d.labels));
    if (matched.length !== 1) {
      problems.push(`${id(b)}: selects ${matched.length} Deployments (expected one)`);
      continue;
    }
    if (!options.production) continue;
    if (spec.minAvailable === undefined) {
      problems.push(`${id(b)}: no minAvailable`);
    } else if (typeof spec.minAvailable === 'number' && spec.minAvailable >= minReplicas(m, matched[0])) {
      problems.push(
        `${id(b)}: minAvailable ${spec.minAvailable} leaves no pod to evict at ${minReplicas(m, matched[0])} replicas (drains would hang)`,
      );
    }
  }
  for (const d of m.deployments) {
    const covered = m.ofKind('PodDisruptionBudget').some((b) => selects((b.spec as { selector: LabelSelector }).selector, d.labels));
    if (!covered) problems.push(`${id(d.object)}: no PodDisruptionBudget`);
  }
  return problems;
}

// ---- Ingress ------------------------------------------------------------------------------------

/** An nginx size (`32m`, `512k`, `1g`, bytes); 0 means unlimited. */
function nginxBytes(text: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(text.trim());
  if (!match) return Number.NaN;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function ingressRules(m: Manifests, options: ManifestOptions): string[] {
  const problems: string[] = [];
  for (const ing of m.ofKind('Ingress')) {
    const spec = ing.spec as IngressSpec;
    const annotations = ing.metadata.annotations ?? {};
    const routed = new Set<string>();
    for (const rule of spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend.service;
        const svc = backend && m.find('Service', backend.name);
        if (!backend || !svc) {
          problems.push(`${id(ing)}: ${p.path} goes to ${backend?.name ?? 'no Service'}, which is not rendered`);
          continue;
        }
        const port = (svc.spec as unknown as ServiceSpec).ports.find(
          (sp) => sp.name === backend.port.name || sp.port === backend.port.number,
        );
        if (!port)
          problems.push(`${id(ing)}: ${p.path} goes to port ${backend.port.name ?? backend.port.number}, which ${id(svc)} does not have`);
        else if (port.targetPort !== 'http') problems.push(`${id(ing)}: ${p.path} goes to ${id(svc)} port ${port.name}, not the HTTP port`);
        routed.add(backend.name);
      }
    }
    // The largest body a routed service accepts must pass the proxy.
    let largestBody = 0;
    for (const name of routed) {
      const d = m.deployments.find((w) => w.object.metadata.name === name);
      for (const c of d?.template.spec.containers ?? []) {
        const runs = serviceOfContainer(c);
        const check = runs && checkServiceEnv(runs.service, containerEnv(m, c).env);
        if (!check?.ok) continue;
        const drop = check.config.voicemailDrop;
        largestBody = Math.max(largestBody, check.config.http.bodyLimitBytes, drop ? drop.maxAudioBytes + drop.maxMetadataBytes : 0);
      }
    }
    const bodyText = annotations['nginx.ingress.kubernetes.io/proxy-body-size'];
    const body = bodyText === undefined ? nginxBytes('1m') : nginxBytes(bodyText);
    if (!(body === 0 || body >= largestBody))
      problems.push(`${id(ing)}: proxy-body-size ${bodyText ?? '1m (default)'} is below the ${largestBody} bytes a service accepts`);
    if (routed.has('presence-bridge')) {
      for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
        const seconds = Number(annotations[`nginx.ingress.kubernetes.io/${key}`] ?? 60);
        if (!(seconds >= 3600)) problems.push(`${id(ing)}: ${key} ${seconds} s would cut idle presence and SIP WebSockets (want ≥ 3600)`);
      }
    }
    if (options.production) {
      const tlsHosts = (spec.tls ?? []).filter((t) => t.secretName).flatMap((t) => t.hosts ?? []);
      for (const rule of spec.rules ?? []) {
        if (!rule.host) problems.push(`${id(ing)}: a rule without host in production`);
        else if (!tlsHosts.includes(rule.host)) problems.push(`${id(ing)}: ${rule.host} has no TLS (tls hosts with a secretName)`);
      }
      if (!Object.keys(annotations).some((k) => k.startsWith('cert-manager.io/')))
        problems.push(`${id(ing)}: no cert-manager annotation for its certificate`);
    }
  }
  return problems;
}

// ---- Prometheus -----------------------------------------------------------------------------------

function serviceMonitorRules(m: Manifests): string[] {
  const problems: string[] = [];
  const monitors = m
    .ofKind('ServiceMonitor')
    .map((o) => o.spec as { selector: LabelSelector; endpoints: { port?: string; path?: string }[] });
  for (const monitor of monitors) {
    for (const e of monitor.endpoints) {
      if ((e.path ?? '/metrics') !== probePaths.metrics)
        problems.push(`ServiceMonitor: scrapes ${e.path}, the services serve ${probePaths.metrics}`);
    }
  }
  for (const d of m.deployments) {
    for (const c of d.template.spec.containers) {
      const metrics = c.ports?.find((p) => p.name === 'metrics');
      if (!metrics) {
        problems.push(`${id(d.object)}: no metrics port`);
        continue;
      }
      const scraped = m.ofKind('Service').some((s) => {
        const spec = s.spec as unknown as ServiceSpec;
        if (!spec.selector || !selects({ matchLabels: spec.selector }, d.labels)) return false;
        const ports = spec.ports.filter((sp) => resolvePort(c, sp.targetPort ?? sp.port) === metrics.containerPort);
        return monitors.some(
          (mon) => selects(mon.selector, s.metadata.labels ?? {}) && mon.endpoints.some((e) => ports.some((p) => p.name === e.port)),
        );
      });
      if (!scraped) problems.push(`${id(d.object)}: its metrics port is scraped by no ServiceMonitor`);
    }
  }
  return problems;
}
