// docker-compose.yml, rendered by the compose tool that is installed (no Docker engine needed),
// checked against what the services themselves read, listen on and answer.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { bundlesInImage, keyValues, lastInstruction, readDockerfile } from './dockerfile';
import { healthStandIn, nodeScriptStatus } from './health-stand-in';
import {
  checkServiceEnv,
  envKeysOf,
  listeningPorts,
  probePaths,
  publicHttpRoutes,
  publicTcpListeners,
  serviceNames,
  shutdownGraceMs,
  type ServiceName,
  defaultPorts,
} from './service-facts';

const root = path.join(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');
const overrideExample = path.join(root, 'compose.override.example.yml');

interface ComposeTool {
  name: string;
  command: string;
  args: string[];
}

/** The compose implementations on this machine: Debian's docker-compose 1.29 and/or Docker's compose plugin. */
function installedComposeTools(): ComposeTool[] {
  const candidates = [
    { name: 'docker-compose', command: 'docker-compose', args: [] },
    { name: 'docker compose', command: 'docker', args: ['compose'] },
  ];
  return candidates.filter((tool) => spawnSync(tool.command, [...tool.args, 'version'], { encoding: 'utf8' }).status === 0);
}

const tools = installedComposeTools();

// Dummy secrets: rendering needs them set, and finding them in the output shows they come from the environment.
const secrets = { POSTGRES_PASSWORD: 'dummy-db-password', PARLEY_ID_SECRET: 'dummy-id-secret-'.padEnd(40, 'x') };
// Settings a deployment would add; the relay is on only with an allow-list, and then must be published too.
const settings = { PARLEY_SMTP_RELAY_CIDRS: '192.0.2.0/24' };

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'parley-compose-'));
  // An empty env file: a developer's .env must not change what the test renders.
  writeFileSync(path.join(scratch, 'empty.env'), '');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Rendered {
  status: number;
  stderr: string;
  config?: Compose;
}

/** `config` of the given files with exactly `env` (plus PATH and HOME): exit status, stderr and the parsed output. */
function render(tool: ComposeTool, files: string[], env: Record<string, string>): Promise<Rendered> {
  const args = [...tool.args, '--env-file', path.join(scratch, 'empty.env'), ...files.flatMap((f) => ['-f', f]), 'config'];
  const options = { cwd: root, encoding: 'utf8' as const, env: { PATH: process.env['PATH'] ?? '', HOME: scratch, ...env } };
  return new Promise((resolve) => {
    execFile(tool.command, args, options, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stderr, config: status === 0 ? (parse(stdout) as Compose) : undefined });
    });
  });
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | { target: number | string; published?: number | string })[];
  expose?: (string | number)[];
  healthcheck?: { test?: string[] | string };
  depends_on?: Record<string, { condition?: string }>;
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
  user?: string;
  tmpfs?: string[] | string;
  stop_grace_period?: string;
  networks?: Record<string, { ipv4_address?: string } | null>;
}
interface Compose {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string }[] } }>;
}

const stages = readDockerfile(root);
const runtime = stages[stages.length - 1];
const imageEnv = keyValues(runtime, 'ENV');
const imageUser = lastInstruction(runtime, 'USER')?.args.trim();

function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** What the process sees: the image's ENV, then the service's environment. */
function effectiveEnv(service: ComposeService): Record<string, string> {
  return { ...imageEnv, ...environmentOf(service) };
}

/** Container port → published host port (undefined: reachable only inside the compose network). */
function containerPorts(service: ComposeService): Map<number, number | undefined> {
  const ports = new Map<number, number | undefined>();
  for (const e of service.expose ?? []) ports.set(Number(e), undefined);
  for (const p of service.ports ?? []) {
    if (typeof p === 'object') ports.set(Number(p.target), p.published === undefined ? undefined : Number(p.published));
    else {
      const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
      ports.set(Number(parts.at(-1)), parts.length > 1 ? Number(parts.at(-2)) : undefined);
    }
  }
  return ports;
}

function durationMs(text: string): number {
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    ms += Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return ms;
}

function started(service: ServiceName, env: Record<string, string>) {
  const check = checkServiceEnv(service, env);
  if (!check.ok) throw new Error(`${service} would not start with the compose environment:\n${check.problems.join('\n')}`);
  return check.config;
}

interface CaddyRoute {
  /** undefined: the catch-all `handle`. */
  pattern?: string;
  upstream: string;
}

/** The `handle <path> { reverse_proxy <upstream> }` blocks of a Caddyfile site. */
function caddyRoutes(text: string): CaddyRoute[] {
  return [...text.matchAll(/^\s*handle(?:\s+(\S+))?\s*\{\s*reverse_proxy\s+(\S+)\s*\}/gm)].map((m) => ({ pattern: m[1], upstream: m[2] }));
}

/**
 * Where Caddy sends `requestPath`: the longest matching path pattern (case-insensitive; a `*` only at the end a
 * prefix match, a `*` inside a glob whose every `*` stays within one segment, as Go's path.Match), else the catch-all.
 */
function routeOf(routes: CaddyRoute[], requestPath: string): string | undefined {
  const lower = requestPath.toLowerCase();
  const matches = (pattern: string) => {
    const inner = pattern.slice(0, -1);
    if (pattern.endsWith('*') && !inner.includes('*')) return lower.startsWith(inner);
    if (!pattern.includes('*')) return lower === pattern;
    const glob = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${glob.join('[^/]*')}$`).test(lower);
  };
  const matching = routes
    .filter((r) => r.pattern !== undefined && matches((r.pattern as string).toLowerCase()))
    .sort((a, b) => (b.pattern as string).replace(/\*$/, '').length - (a.pattern as string).replace(/\*$/, '').length);
  return (matching[0] ?? routes.find((r) => r.pattern === undefined))?.upstream;
}

function inSubnet(address: string, cidr: string): boolean {
  const toNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const [network, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(network) / size);
}

it('documents in deploy/compose.env.example exactly the variables the compose files interpolate', () => {
  const interpolated = new Set(
    [composeFile, overrideExample].flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\$\{(\w+)/g)].map((m) => m[1])),
  );
  const documented = new Set(
    [...readFileSync(path.join(root, 'deploy', 'compose.env.example'), 'utf8').matchAll(/^#?(\w+)=/gm)].map((m) => m[1]),
  );
  expect([...documented].sort()).toEqual([...interpolated].sort());
});

it("routes every public path through the Caddyfile to its service's default port, and the rest of /api to presence-bridge", () => {
  const routes = caddyRoutes(readFileSync(path.join(root, 'deploy', 'Caddyfile'), 'utf8'));
  const upstream = (service: ServiceName) => `${service}:${defaultPorts(service).http}`;
  for (const { path: requestPath, service } of publicHttpRoutes()) {
    expect({ requestPath, upstream: routeOf(routes, requestPath) }).toEqual({ requestPath, upstream: upstream(service) });
  }
  // The gateway's Graph globs stay within their segments.
  for (const requestPath of [
    '/api/v1.0/users/a/b/mailboxSettings',
    '/api/v1.0/me/mailboxSettingsX',
    '/api/v1.0/users/x/presence',
    '/api/v1.0/users/a/b/messages/x',
    '/api/v1.0/me/calendarViews',
  ]) {
    expect({ requestPath, upstream: routeOf(routes, requestPath) }).toEqual({ requestPath, upstream: upstream('presence-bridge') });
  }
  expect(routeOf(routes, '/API/v1.0/Users/Bob@parley.test/MailboxSettings/AutomaticRepliesSetting')).toBe(upstream('ews-gateway'));
});

it('has a compose tool to validate with', () => {
  if (tools.length === 0) {
    throw new Error('Neither docker-compose nor the docker compose plugin is installed: apt-get install docker-compose (.ci/run does).');
  }
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/compose/)]));
});

// Without a tool the test above fails; there is nothing to render here then.
const renderedBy = tools.map((tool) => [tool.name, tool] as const);
if (renderedBy.length > 0)
  describe.each(renderedBy)('docker-compose.yml rendered by `%s config`', (_name, tool) => {
    let compose: Compose;
    let withOverride: Rendered;
    const withoutSecret = new Map<string, Rendered>();
    // Every rendering at once: each is a Python or Go process start of about a second.
    beforeAll(async () => {
      const without = (missing: string) => Object.fromEntries(Object.entries({ ...secrets, ...settings }).filter(([k]) => k !== missing));
      const [main, override, ...missing] = await Promise.all([
        render(tool, [composeFile], { ...secrets, ...settings }),
        render(tool, [composeFile, overrideExample], { ...secrets }),
        ...Object.keys(secrets).map((key) => render(tool, [composeFile], without(key))),
      ]);
      if (!main.config) throw new Error(`${tool.name} config failed (exit ${main.status}):\n${main.stderr}`);
      compose = main.config;
      withOverride = override;
      Object.keys(secrets).forEach((key, i) => withoutSecret.set(key, missing[i]));
      // About 0.7 s of CPU each; a loaded 2-core machine stretches that (not a timing assertion).
    }, 60_000);

    it.each(Object.keys(secrets))('refuses to render without %s, naming it', (missing) => {
      const rendered = withoutSecret.get(missing) as Rendered;
      expect(rendered.status).not.toBe(0);
      expect(rendered.stderr).toContain(missing);
    });

    it('takes every secret from the environment, none from the file', () => {
      const text = readFileSync(composeFile, 'utf8');
      for (const value of Object.values(secrets)) expect(text).not.toContain(value);
      expect(environmentOf(compose.services['ews-gateway'])['PARLEY_ID_SECRET']).toBe(secrets.PARLEY_ID_SECRET);
      for (const service of serviceNames) {
        expect(new URL(environmentOf(compose.services[service])['DATABASE_URL']).password).toBe(secrets.POSTGRES_PASSWORD);
      }
    });

    describe.each(serviceNames)('%s', (service) => {
      const definition = () => compose.services[service];

      it('starts with its environment and sets no variable it does not read', () => {
        started(service, effectiveEnv(definition()));
        const keys = envKeysOf(service);
        for (const key of Object.keys(environmentOf(definition()))) expect({ key, read: keys.includes(key) }).toEqual({ key, read: true });
      });

      it('runs the bundle of the service from the image the Dockerfile builds', () => {
        expect(definition().command).toEqual([`dist/apps/${service}/main.js`]);
        expect(bundlesInImage(root, stages)).toContain(definition().command?.[0]);
        expect(definition().image).toBe(compose.services['migrate'].image);
        // The tag the image is built under by default: the release it holds.
        const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
        expect(definition().image).toBe(`parley:${version}`);
      });

      it('exposes exactly the ports it listens on, and publishes SMTP and SIP on their standard ports', () => {
        const config = started(service, effectiveEnv(definition()));
        const ports = containerPorts(definition());
        expect([...ports.keys()].sort()).toEqual(
          listeningPorts(config)
            .map((p) => p.port)
            .sort(),
        );
        // HTTP goes through the proxy; metrics stay inside. SMTP and SIP are published on the service's own defaults.
        const listenerKeys = new Set(publicTcpListeners.map((l) => l.key));
        const defaults = started(
          service,
          Object.fromEntries(Object.entries(effectiveEnv(definition())).filter(([k]) => !listenerKeys.has(k))),
        );
        for (const { name, port } of listeningPorts(config)) {
          const published = ports.get(port);
          if (name === 'http' || name === 'metrics') expect({ name, published }).toEqual({ name, published: undefined });
          else expect({ name, published }).toEqual({ name, published: listeningPorts(defaults).find((p) => p.name === name)?.port });
        }
      });

      it("checks health with a probe on the service's HTTP port", () => {
        const config = started(service, effectiveEnv(definition()));
        const test = [definition().healthcheck?.test ?? []].flat().join(' ');
        const url = new URL(/https?:\/\/[^'"\s]+/.exec(test)?.[0] ?? 'http://missing');
        expect(['127.0.0.1', 'localhost']).toContain(url.hostname);
        expect(Number(url.port)).toBe(config.http.port);
        expect([probePaths.liveness, probePaths.readiness]).toContain(url.pathname);
      });

      it('has a healthcheck command that passes while the probe answers 200 and fails otherwise', async () => {
        const [kind, ...command] = [definition().healthcheck?.test ?? []].flat();
        expect([kind, command[0], command[1]]).toEqual(['CMD', 'node', '-e']);
        const port = started(service, effectiveEnv(definition())).http.port;
        const standIn = await healthStandIn();
        // The same script, pointed at the stand-in instead of the service's port.
        const script = command[2].replace(`127.0.0.1:${port}/`, `127.0.0.1:${standIn.port}/`);
        try {
          const env = { NODE_OPTIONS: imageEnv['NODE_OPTIONS'] ?? '' };
          expect(await nodeScriptStatus(script, env)).toBe(0);
          standIn.status = 503;
          expect(await nodeScriptStatus(script, env)).toBe(1);
          expect(standIn.requested).toHaveLength(2);
        } finally {
          await standIn.close();
        }
        expect(await nodeScriptStatus(script)).toBe(1);
      });

      it('runs as a non-root user with a read-only root, no capabilities and no privilege gain', () => {
        const user = definition().user ?? imageUser ?? '';
        expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
        expect(definition().read_only).toBe(true);
        expect(definition().cap_drop).toContain('ALL');
        expect(definition().security_opt?.some((o) => /^no-new-privileges(:true)?$/.test(o))).toBe(true);
        expect([definition().tmpfs ?? []].flat().map((t) => t.split(':')[0])).toContain('/tmp');
      });

      it('starts once Kafka and PostgreSQL are healthy and the migration has finished, and may finish its shutdown', () => {
        expect(definition().depends_on).toMatchObject({
          kafka: { condition: 'service_healthy' },
          postgres: { condition: 'service_healthy' },
          migrate: { condition: 'service_completed_successfully' },
        });
        expect(durationMs(definition().stop_grace_period ?? '10s')).toBeGreaterThan(shutdownGraceMs(service, effectiveEnv(definition())));
      });

      it('reaches Kafka and PostgreSQL by their compose names', () => {
        const env = environmentOf(definition());
        const advertised = String(compose.services['kafka'].environment?.['KAFKA_ADVERTISED_LISTENERS']).split(',');
        expect(advertised.map((l) => l.replace(/^\w+:\/\//, ''))).toContain(env['KAFKA_BROKERS']);
        expect(new URL(env['DATABASE_URL']).host).toBe('postgres:5432');
      });
    });

    it('migrates every schema once, with the admin CLI from the same image, before any service starts', () => {
      const migrate = compose.services['migrate'];
      expect(migrate.command).toEqual(['dist/apps/parley-admin/main.js', 'migrate']);
      expect(bundlesInImage(root, stages)).toContain('dist/apps/parley-admin/main.js');
      expect(migrate.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
      expect(Object.keys(environmentOf(migrate))).toEqual(['DATABASE_URL']);
      expect(migrate.read_only).toBe(true);
    });

    it('routes each protocol through the one HTTP entry point to the service that serves it', () => {
      const proxy = compose.services['proxy'];
      const caddyfile = readFileSync(path.join(root, 'deploy', 'Caddyfile'), 'utf8');
      const routes = caddyRoutes(caddyfile);
      const upstream = (service: ServiceName) => `${service}:${started(service, effectiveEnv(compose.services[service])).http.port}`;
      for (const { path: requestPath, service } of publicHttpRoutes()) {
        expect({ requestPath, upstream: routeOf(routes, requestPath) }).toEqual({ requestPath, upstream: upstream(service) });
      }
      // Caddy listens where the proxy's published port leads, and the gateway hands out that address.
      const site = /^http:\/\/:(\d+)\s*\{/m.exec(caddyfile)?.[1];
      const [[target, published]] = [...containerPorts(proxy).entries()];
      expect(target).toBe(Number(site));
      expect(new URL(environmentOf(compose.services['ews-gateway'])['PARLEY_PUBLIC_URL']).port).toBe(String(published));
    });

    it("trusts X-Forwarded-For from the proxy's fixed address only", () => {
      const proxy = compose.services['proxy'];
      const [network, attachment] = Object.entries(proxy.networks ?? {})[0];
      const address = attachment?.ipv4_address ?? '';
      const subnet = compose.networks?.[network]?.ipam?.config?.[0]?.subnet ?? '';
      expect(inSubnet(address, subnet)).toBe(true);
      for (const service of ['ews-gateway', 'presence-bridge', 'voicemail-ingest'] as const) {
        expect(environmentOf(compose.services[service])['PARLEY_TRUSTED_PROXIES']).toBe(address);
      }
      expect(proxy.read_only).toBe(true);
      expect(proxy.cap_drop).toContain('ALL');
      expect(proxy.user).toMatch(/^[1-9]\d*(:\d+)?$/);
      expect(proxy.security_opt?.some((o) => /^no-new-privileges(:true)?$/.test(o))).toBe(true);
    });

    it('renders with the development override, which keeps every service startable', () => {
      const rendered = withOverride;
      if (!rendered.config) throw new Error(`${tool.name} config with the override failed:\n${rendered.stderr}`);
      for (const service of serviceNames) {
        const definition = rendered.config.services[service];
        const config = started(service, effectiveEnv(definition));
        for (const key of Object.keys(environmentOf(definition))) expect(envKeysOf(service)).toContain(key);
        for (const port of containerPorts(definition).keys()) expect(listeningPorts(config).map((p) => p.port)).toContain(port);
      }
      expect([...containerPorts(rendered.config.services['kafka']).keys()]).toEqual([29092]);
    });
  });
