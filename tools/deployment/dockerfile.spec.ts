import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  bundlesInImage,
  copiesOf,
  execForm,
  instructions,
  keyValues,
  lastInstruction,
  parseDockerfile,
  readDockerfile,
  webpackConfigsBuilt,
  words,
  type Stage,
} from './dockerfile';
import { healthStandIn, nodeScriptStatus } from './health-stand-in';
import { defaultPorts, probePaths, serviceNames } from './service-facts';

const root = path.join(__dirname, '..', '..');
const stages = readDockerfile(root);
const runtime = stages[stages.length - 1];
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  scripts: Record<string, string>;
};
const runs = stages.flatMap((s) => instructions(s, 'RUN').map((r) => r.args));

describe('the Dockerfile reader', () => {
  it('joins continued lines, drops comments inside them and keeps quoted words whole', () => {
    const [stage] = parseDockerfile(
      ['FROM node:1 AS b', 'RUN a \\', '  # skipped', '  b', 'LABEL x="one two" y=3', 'ENV K v w'].join('\n'),
    );
    expect(stage).toMatchObject({ image: 'node:1', name: 'b' });
    expect(stage.instructions.map((i) => [i.keyword, i.args])).toEqual([
      ['RUN', 'a b'],
      ['LABEL', 'x="one two" y=3'],
      ['ENV', 'K v w'],
    ]);
    expect(keyValues(stage, 'LABEL')).toEqual({ x: 'one two', y: '3' });
    expect(keyValues(stage, 'ENV')).toEqual({ K: 'v w' });
    expect(words(`a 'b c' "d\\"e"`)).toEqual(['a', 'b c', 'd"e']);
  });
});

describe('Dockerfile', () => {
  it('starts every stage from a pinned image, Node from the release in .node-version', () => {
    const nodeVersion = readFileSync(path.join(root, '.node-version'), 'utf8').trim().replace(/^v/, '');
    const names = new Set(stages.map((s) => s.name));
    for (const { image } of stages.filter((s) => !names.has(s.image))) {
      const tag = /^[^:@]+:([^@]+)$/.exec(image)?.[1];
      expect(tag).toBeDefined();
      expect(tag).not.toBe('latest');
      if (image.startsWith('node:')) {
        const version = /^(\d+\.\d+\.\d+)(-|$)/.exec(tag as string)?.[1];
        expect({ image, version }).toEqual({ image, version: nodeVersion });
      }
    }
    expect(stages.some((s) => s.image.startsWith('node:'))).toBe(true);
  });

  it('runs only npm scripts, webpack configs and Nx targets that exist', () => {
    for (const [, script] of runs.flatMap((r) => [...r.matchAll(/npm run(?:-script)? ([\w:-]+)/g)])) {
      expect(Object.keys(packageJson.scripts)).toContain(script);
    }
    for (const config of stages.flatMap(webpackConfigsBuilt))
      expect({ config, exists: existsSync(path.join(root, config)) }).toEqual({ config, exists: true });
    for (const [, project, target] of runs.flatMap((r) => [...r.matchAll(/nx run ([\w-]+):([\w:-]+)/g)])) {
      const projectJson = JSON.parse(readFileSync(path.join(root, 'apps', project, 'project.json'), 'utf8')) as { targets: object };
      expect(Object.keys(projectJson.targets)).toContain(target);
    }
  });

  it('builds every service and the admin CLI with their own webpack configs', () => {
    const built = stages.flatMap(webpackConfigsBuilt);
    for (const app of [...serviceNames, 'parley-admin']) expect(built).toContain(`apps/${app}/webpack.config.cjs`);
  });

  it('runs the bundles on the production dependencies only, installed without the dev tools', () => {
    const fromStages = copiesOf(runtime).filter((c) => c.from !== undefined);
    const nodeModules = fromStages.find((c) => c.destination.endsWith('/node_modules'));
    expect(nodeModules).toBeDefined();
    const depsStage = stages.find((s) => s.name === nodeModules?.from) as Stage;
    expect(instructions(depsStage, 'RUN').some((r) => /npm (ci|prune)\b.*--omit=dev/.test(r.args))).toBe(true);
    // Only what runs: the bundles, their dependencies and package.json (the embedded app resolves its
    // PostgreSQL binaries from it); no sources, no build context.
    expect(copiesOf(runtime).every((c) => c.from !== undefined)).toBe(true);
    expect(fromStages.map((c) => path.posix.basename(c.destination)).sort()).toEqual(['dist', 'node_modules', 'package.json']);
  });

  it("starts each service's bundle, which the build produces, with node", () => {
    const bundles = bundlesInImage(root, stages);
    for (const service of serviceNames) expect(bundles).toContain(`dist/apps/${service}/main.js`);
    expect(execForm(lastInstruction(runtime, 'ENTRYPOINT')?.args ?? '')).toEqual(['node']);
    const cmd = execForm(lastInstruction(runtime, 'CMD')?.args ?? '') ?? [];
    expect(bundles).toContain(cmd[0]);
  });

  it('runs as a numeric non-root user, in production mode, writing only to its volumes', () => {
    const user = lastInstruction(runtime, 'USER')?.args.trim() ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const env = keyValues(runtime, 'ENV');
    expect(env['NODE_ENV']).toBe('production');
    const volumes = execForm(lastInstruction(runtime, 'VOLUME')?.args ?? '') ?? [];
    expect(volumes).toEqual(expect.arrayContaining(['/tmp', env['PARLEY_DATA_DIR']]));
    expect(env['PARLEY_SMTP_TLS_DIR'].startsWith(`${env['PARLEY_DATA_DIR']}/`)).toBe(true);
    // A volume's first mount copies the image's directory, with its owner: the app's user must own it.
    for (const volume of volumes.filter((v) => v !== '/tmp')) {
      expect(instructions(runtime, 'RUN').some((r) => r.args.includes(`chown ${user} ${volume}`))).toBe(true);
    }
  });

  it('checks liveness on whichever port the app listens on, without curl', () => {
    const healthcheck = lastInstruction(runtime, 'HEALTHCHECK')?.args ?? '';
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3)) ?? [];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain(`'${probePaths.liveness}'`);
    expect(command[2]).toContain('process.env.PARLEY_HTTP_PORT');
    const fallbackPorts = (/\[([\d, ]+)\]/.exec(command[2])?.[1] ?? '').split(',').map(Number);
    for (const service of serviceNames) expect(fallbackPorts).toContain(defaultPorts(service).http);
  });

  it('has a HEALTHCHECK that passes while liveness answers 200 on PARLEY_HTTP_PORT and fails otherwise', async () => {
    const healthcheck = lastInstruction(runtime, 'HEALTHCHECK')?.args ?? '';
    const [, , script] = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3)) ?? [];
    const standIn = await healthStandIn();
    const env = { ...keyValues(runtime, 'ENV'), PARLEY_HTTP_PORT: String(standIn.port) };
    try {
      expect(await nodeScriptStatus(script, env)).toBe(0);
      standIn.status = 503;
      expect(await nodeScriptStatus(script, env)).toBe(1);
      expect(standIn.requested).toEqual([probePaths.liveness, probePaths.liveness]);
    } finally {
      await standIn.close();
    }
    expect(await nodeScriptStatus(script, env)).toBe(1);
  });

  it('labels the image with the OCI annotations, version and licence from package.json', () => {
    const labels = keyValues(runtime, 'LABEL');
    const args = Object.fromEntries(instructions(runtime, 'ARG').map((a) => a.args.split('=') as [string, string]));
    expect(labels['org.opencontainers.image.title']).toBe('Parley');
    expect(labels['org.opencontainers.image.licenses']).toBe(packageJson.license);
    expect(labels['org.opencontainers.image.version']).toBe('${PARLEY_VERSION}');
    expect(args['PARLEY_VERSION']).toBe(packageJson.version);
  });

  it('keeps dependencies, build output, local state and history out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', 'data', 'dist', '.env', '.kafka', 'tmp']));
  });
});
