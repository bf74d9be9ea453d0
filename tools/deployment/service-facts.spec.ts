import {
  checkServiceEnv,
  defaultPorts,
  envDefaultOf,
  envKeysOf,
  listeningPorts,
  probePaths,
  publicHttpRoutes,
  publicTcpListeners,
  serviceNames,
} from './service-facts';

const minimal = {
  DATABASE_URL: 'postgres://parley@db/parley',
  KAFKA_BROKERS: 'kafka:9092',
  PARLEY_ID_SECRET: 'x'.repeat(32),
};

describe('deployment facts read from the code', () => {
  it('names the probe and metrics paths the observability module serves', () => {
    expect(probePaths).toEqual({ liveness: '/healthz', readiness: '/readyz', metrics: '/metrics' });
  });

  it.each(serviceNames)('%s: refuses an environment without a database and accepts the minimal one', (service) => {
    const empty = checkServiceEnv(service, {});
    expect(empty.ok).toBe(false);
    const started = checkServiceEnv(service, { ...minimal, PARLEY_SMTP_RELAY_PORT: '2525', PARLEY_SMTP_RELAY_CIDRS: '10.0.0.0/8' });
    if (!started.ok) throw new Error(started.problems.join('\n'));
    const ports = listeningPorts(started.config).map((p) => p.port);
    expect(ports.slice(0, 2)).toEqual([defaultPorts(service).http, defaultPorts(service).metrics]);
    expect(envKeysOf(service)).toContain('DATABASE_URL');
  });

  it('lists the SMTP listeners of voicemail-ingest only', () => {
    const smtp = checkServiceEnv('voicemail-ingest', { ...minimal, PARLEY_SMTP_RELAY_CIDRS: '10.0.0.0/8' });
    if (!smtp.ok) throw new Error(smtp.problems.join('\n'));
    expect(listeningPorts(smtp.config).map((p) => p.name)).toEqual(['http', 'metrics', 'submission', 'smtps', 'relay']);
  });

  it("lists presence-bridge's SIP over TCP listener on 5060 (issue 17), and not when its port is 0", () => {
    const on = checkServiceEnv('presence-bridge', minimal);
    const off = checkServiceEnv('presence-bridge', { ...minimal, PARLEY_SIP_TCP_PORT: '0' });
    if (!on.ok || !off.ok) throw new Error('presence-bridge would not start with the minimal environment');
    expect(listeningPorts(on.config).find((p) => p.name === 'sip')).toEqual({ name: 'sip', port: 5060 });
    expect(listeningPorts(off.config).map((p) => p.name)).toEqual(['http', 'metrics']);
  });

  it('lists SIP over TLS on 5061 only when a certificate is configured, and not when its port is 0', () => {
    const certificate = { PARLEY_SIP_TLS_CERT: '/etc/parley/sip-tls/tls.crt', PARLEY_SIP_TLS_KEY: '/etc/parley/sip-tls/tls.key' };
    const names = (env: Record<string, string>) => {
      const check = checkServiceEnv('presence-bridge', { ...minimal, ...env });
      if (!check.ok) throw new Error(check.problems.join('\n'));
      return listeningPorts(check.config);
    };
    expect(names({}).map((p) => p.name)).toEqual(['http', 'metrics', 'sip']);
    expect(names(certificate).find((p) => p.name === 'sips')).toEqual({ name: 'sips', port: 5061 });
    expect(names({ ...certificate, PARLEY_SIP_TLS_PORT: '0' }).map((p) => p.name)).toEqual(['http', 'metrics', 'sip']);
  });

  it('names the variable and service of each public TCP listener, whose service default is a port it listens on', () => {
    for (const { name, service, key } of publicTcpListeners) {
      expect(envKeysOf(service)).toContain(key);
      // Every listener on: the relay needs an allow-list, SIP over TLS a certificate (the files are read by the front, not here).
      const started = checkServiceEnv(service, {
        ...minimal,
        PARLEY_SMTP_RELAY_CIDRS: '10.0.0.0/8',
        PARLEY_SIP_TLS_CERT: '/tls/sip.crt',
        PARLEY_SIP_TLS_KEY: '/tls/sip.key',
      });
      if (!started.ok) throw new Error(started.problems.join('\n'));
      expect(listeningPorts(started.config).find((p) => p.name === name)?.port).toBe(Number(envDefaultOf(service, key)));
    }
  });
});

describe('public HTTP routes', () => {
  it('reads the paths from the services and leaves calendar-sync without a public front', () => {
    const routes = publicHttpRoutes();
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/EWS/Exchange.asmx', '/api/v1.0/voicemail', '/presence', '/sip']));
    expect(routes.find((r) => r.path === '/sip')).toEqual({
      path: '/sip',
      service: 'presence-bridge',
      websocket: true,
      subprotocol: 'sip',
    });
    expect(new Set(routes.map((r) => r.service))).toEqual(new Set(['ews-gateway', 'presence-bridge', 'voicemail-ingest']));
  });
});
