import { manifestProblems, renderKustomization, routeOf, schemaProblems, type Container, type K8sObject } from './k8s-manifests';
import { publicHttpRoutes } from './service-facts';

// k8s/ rendered as `kubectl apply -k` would send it, each overlay with its migration Job, checked
// against the API schemas and against what the code says (ports, probe paths, the environment).
const overlays = [
  { name: 'dev', production: false },
  { name: 'prod', production: true },
];

const rendered = new Map<string, K8sObject[]>();
function render(dir: string): K8sObject[] {
  const objects = rendered.get(dir) ?? renderKustomization(dir);
  rendered.set(dir, objects);
  // A fresh copy per use: the negative cases mutate theirs.
  return structuredClone(objects);
}

interface RenderedPodSpec {
  containers: Container[];
  securityContext?: object;
  terminationGracePeriodSeconds?: number;
}

function deployment(objects: K8sObject[], name: string): { spec: { template: { spec: RenderedPodSpec } } } {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!found) throw new Error(`no Deployment ${name}`);
  return found as unknown as ReturnType<typeof deployment>;
}

describe.each(overlays)('k8s/overlays/$name', ({ name, production }) => {
  const dir = `k8s/overlays/${name}`;

  it('renders objects that the API schemas accept, the migration Job included', () => {
    const objects = [...render(dir), ...render(`${dir}/migrate`)];
    expect(objects.length).toBeGreaterThan(20);
    expect(schemaProblems(objects)).toEqual([]);
  });

  it('keeps every rule: hardened containers, the env each service accepts, its ports and probes, policies, routes', () => {
    // One namespace holds both: the Job's pods fall under the same network policies.
    expect(manifestProblems([...render(dir), ...render(`${dir}/migrate`)], { production })).toEqual([]);
  });

  it('migrates every service from the same ConfigMaps as the Deployments', () => {
    const names = (objects: K8sObject[]) =>
      objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${o.metadata.name} ${JSON.stringify(o.data)}`);
    expect(names(render(`${dir}/migrate`))).toEqual(names(render(dir)));
  });

  it('routes what clients ask for to the service that serves it, whatever the case', () => {
    const objects = render(dir);
    const routes: [string, string | undefined][] = [
      ['/EWS/Exchange.asmx', 'ews-gateway'],
      ['/ews/exchange.asmx', 'ews-gateway'],
      ['/Autodiscover/Autodiscover.xml', 'ews-gateway'],
      ['/autodiscover/autodiscover.svc', 'ews-gateway'],
      ['/api/v1.0/voicemail', 'voicemail-ingest'],
      ['/API/V1.0/Voicemail', 'voicemail-ingest'],
      ['/presence', 'presence-bridge'],
      ['/sip', 'presence-bridge'],
      ['/SIP', 'presence-bridge'],
      ['/sipx', undefined],
      ['/api/v1.0/me/presence', 'presence-bridge'],
      ['/api/v1.0/communications/getPresencesByUserId', 'presence-bridge'],
      ['/api/v1.0/voicemailbox', 'presence-bridge'],
      ['/api/v1.0/me/mailboxSettings', 'ews-gateway'],
      ['/API/V1.0/Users/Alice@Parley.test/MailboxSettings/automaticRepliesSetting', 'ews-gateway'],
      ['/api/v1.0/users', 'ews-gateway'],
      ['/api/v1.0/users/', 'ews-gateway'],
      ['/api/v1.0/users/alice@parley.test/presence', 'presence-bridge'],
      ['/api/v1.0/users/a/b/mailboxSettings', 'presence-bridge'],
      ['/api/v1.0/me/mailboxSettingsX', 'presence-bridge'],
      ['/api/v1.0/me/calendarView', 'ews-gateway'],
      ['/API/V1.0/Users/Alice@Parley.test/Calendar/CalendarView', 'ews-gateway'],
      ['/api/v1.0/me/mailFolders/voicemail/messages', 'ews-gateway'],
      ['/api/v1.0/me/messages/BAbc/attachments/BQxy/$value', 'ews-gateway'],
      ['/api/v1.0/users/a/b/messages/BAbc', 'presence-bridge'],
      ['/api/v1.0/me/messages', 'presence-bridge'],
      ['/api/v1.0/me/calendarViews', 'presence-bridge'],
      ['/api/v1.0/openapi.json', 'presence-bridge'],
      ['/', 'ews-gateway'],
      ['/index.html', 'ews-gateway'],
      ['/assets/app-3f9a1c.js', 'ews-gateway'],
      ['/web/session', 'ews-gateway'],
      ['/favicon.ico', undefined],
      ['/healthz', undefined],
      ['/readyz', undefined],
      ['/metrics', undefined],
      ['/ewsx', undefined],
    ];
    expect(routes.map(([path]) => [path, routeOf(objects, path)])).toEqual(routes);
  });

  it('routes every path the services serve publicly (read from their code) to its service', () => {
    const objects = render(dir);
    const routes = publicHttpRoutes().map(({ path, service }) => [path, service]);
    expect(routes.map(([path]) => [path, routeOf(objects, path)])).toEqual(routes);
  });
});

describe('the rules fail for the right reasons', () => {
  const problemsAfter = (mutate: (objects: K8sObject[]) => void) => {
    const objects = [...render('k8s/overlays/prod'), ...render('k8s/overlays/prod/migrate')];
    mutate(objects);
    return manifestProblems(objects, { production: true });
  };

  it('reports a container without limits, and one that may run as root', () => {
    const problems = problemsAfter((objects) => {
      const pod = deployment(objects, 'calendar-sync').spec.template.spec;
      delete pod.containers[0].resources?.limits;
      delete pod.containers[0].securityContext?.runAsNonRoot;
      delete pod.securityContext;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/calendar-sync container calendar-sync: no cpu limits',
        'Deployment/calendar-sync container calendar-sync: no memory limits',
        'Deployment/calendar-sync container calendar-sync: runAsNonRoot is not true',
      ]),
    );
  });

  it('reports a probe on a port the service does not listen on, and a variable no service reads', () => {
    const problems = problemsAfter((objects) => {
      const c = deployment(objects, 'ews-gateway').spec.template.spec.containers[0];
      (c.readinessProbe as { httpGet: { port: string | number } }).httpGet.port = 8080;
      c.env?.push({ name: 'PARLEY_EWS_PORT', value: '8081' });
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/ews-gateway container ews-gateway: readinessProbe port 8080 is not the HTTP port 8081',
        'Deployment/ews-gateway container ews-gateway: sets PARLEY_EWS_PORT, which ews-gateway does not read',
      ]),
    );
  });

  it('reports a missing required variable, a Secret value in a ConfigMap, a latest image and a short grace period', () => {
    const problems = problemsAfter((objects) => {
      const gateway = deployment(objects, 'ews-gateway').spec.template.spec;
      gateway.containers[0].env = gateway.containers[0].env?.filter((v) => v.name !== 'PARLEY_ID_SECRET');
      gateway.containers[0].image = 'ghcr.io/example/parley:latest';
      gateway.terminationGracePeriodSeconds = 20;
      const common = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('parley-common-'));
      if (common?.data) common.data.KAFKA_SASL_PASSWORD = 'hunter2';
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment\/ews-gateway container ews-gateway: ews-gateway would not start: PARLEY_ID_SECRET/),
        'Deployment/ews-gateway container ews-gateway: image ghcr.io/example/parley:latest is "latest"; pin a release tag or a digest',
        'Deployment/ews-gateway: terminationGracePeriodSeconds 20 s does not exceed PARLEY_SHUTDOWN_GRACE_MS 25000 ms',
        expect.stringMatching(/^ConfigMap\/parley-common-\w+: holds KAFKA_SASL_PASSWORD, a secret; reference a Secret instead$/),
      ]),
    );
  });

  it('reports an SMTP port no policy lets in, a Secret with data, an autoscaled partition owner and a route to a missing Service', () => {
    const problems = problemsAfter((objects) => {
      const smtp = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'parley-ingress-smtp');
      objects.splice(objects.indexOf(smtp as K8sObject), 1);
      objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'parley-keys' }, data: { PARLEY_ID_SECRET: 'eA==' } });
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'presence-bridge');
      (hpa?.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name = 'calendar-sync';
      const ingress = objects.find((o) => o.kind === 'Ingress');
      const paths = (ingress?.spec as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }).rules[0].http.paths;
      paths[0].backend.service.name = 'ews';
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Service/voicemail-ingest-smtp: port submission (2587 on Deployment/voicemail-ingest) is allowed by no NetworkPolicy',
        'Secret/parley-keys: a Secret with data in the repository; reference Secrets created outside it (k8s/README.md)',
        'HorizontalPodAutoscaler/presence-bridge: autoscales calendar-sync; only ews-gateway and presence-bridge are stateless',
        'Ingress/parley: /ews(/|$) goes to ews, which is not rendered',
      ]),
    );
    expect(routeOf([], '/EWS/Exchange.asmx')).toBeUndefined();
  });

  it('reports a service the Job does not migrate, a budget that selects nothing, and a WebSocket the ingress would cut', () => {
    const problems = problemsAfter((objects) => {
      const job = objects.find((o) => o.kind === 'Job') as unknown as { spec: { template: { spec: { initContainers: Container[] } } } };
      job.spec.template.spec.initContainers.shift();
      const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'calendar-sync');
      (pdb?.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels = { 'app.kubernetes.io/name': 'calendar' };
      const ingress = objects.find((o) => o.kind === 'Ingress');
      delete ingress?.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-read-timeout'];
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'migration: ews-gateway is migrated 0 times (expected once)',
        'PodDisruptionBudget/calendar-sync: selects 0 Deployments (expected one)',
        'Deployment/calendar-sync: no PodDisruptionBudget',
        'Ingress/parley: proxy-read-timeout 60 s would cut idle presence and SIP WebSockets (want ≥ 3600)',
      ]),
    );
  });

  it('reports a SIP port no policy lets in, a SIP load balancer that hides client addresses, and SIP off the standard port', () => {
    const problems = problemsAfter((objects) => {
      const sip = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'parley-ingress-sip');
      objects.splice(objects.indexOf(sip as K8sObject), 1);
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'presence-bridge-sip');
      const spec = service?.spec as { externalTrafficPolicy?: string; ports: { port: number }[] };
      delete spec.externalTrafficPolicy;
      spec.ports[0].port = 5080;
      spec.ports[1].port = 5062;
      const c = deployment(objects, 'presence-bridge').spec.template.spec.containers[0];
      c.ports = c.ports?.filter((p) => p.name !== 'sip');
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Service/presence-bridge-sip: port sip targets sip, which Deployment/presence-bridge does not declare',
        "Service/presence-bridge-sip: sip is published on 5080, not on 5060 (PARLEY_SIP_TCP_PORT's distributed default)",
        "Service/presence-bridge-sip: sips is published on 5062, not on 5061 (PARLEY_SIP_TLS_PORT's distributed default)",
        "Service/presence-bridge-sip: SIP clients' addresses are lost (externalTrafficPolicy is not Local)",
        'Deployment/presence-bridge container presence-bridge: containerPorts http=8082, metrics=9082, sips=5061 differ from the ports the service listens on, http=8082, metrics=9082, sip=5060, sips=5061',
      ]),
    );
    expect(problemsAfter(() => undefined)).toEqual([]);
    const withoutPolicy = problemsAfter((objects) => {
      const sip = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'parley-ingress-sip');
      objects.splice(objects.indexOf(sip as K8sObject), 1);
    });
    expect(withoutPolicy).toEqual([
      'Service/presence-bridge-sip: port sip (5060 on Deployment/presence-bridge) is allowed by no NetworkPolicy',
      'Service/presence-bridge-sip: port sips (5061 on Deployment/presence-bridge) is allowed by no NetworkPolicy',
    ]);
  });

  it('reports an object the API schema refuses, and a kind it does not know', () => {
    const objects = render('k8s/overlays/dev');
    const ports = deployment(objects, 'presence-bridge').spec.template.spec.containers[0].ports ?? [];
    (ports[0] as { containerPort: unknown }).containerPort = 'http';
    objects.push({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(schemaProblems(objects)).toEqual([
      'Deployment/presence-bridge: /spec/template/spec/containers/0/ports/0/containerPort must be integer {"type":"integer"}',
      'Widget/w: no schema for example.com/v1 Widget',
    ]);
  });
});
