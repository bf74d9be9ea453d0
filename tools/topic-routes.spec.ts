import { requestTopics, ServiceName, Topic, TopicRoutes, Topics } from '@parley/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The routes written down in the contracts (`TopicRoutes`) against the services' code: who calls
// `publish(Topics.x, …)` or `request(Topics.x, …)`, who has an `@EventPattern(Topics.x)` or
// `@MessagePattern(Topics.x)` handler. Read from the syntax tree, so it needs no service running.

const root = path.resolve(__dirname, '..');
const services: readonly ServiceName[] = ['ews-gateway', 'calendar-sync', 'presence-bridge', 'voicemail-ingest'];
/** Projects that use topics only to test or measure the services. */
const notProduction = ['apps/parley-e2e/', 'apps/parley-bench/'];

interface Use {
  readonly file: string;
  readonly line: number;
  readonly kind: 'produces' | 'consumes';
  /** The topic, or the argument's text when it is not `Topics.<name>`. */
  readonly topic: Topic | null;
  readonly text: string;
}

function productionFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'test' ? [] : productionFiles(relative);
    return /(?<!\.spec|\.integration-spec|\.d)\.ts$/.test(entry.name) ? [relative] : [];
  });
}

function topicOf(argument: ts.Expression | undefined): Topic | null {
  if (
    argument &&
    ts.isPropertyAccessExpression(argument) &&
    ts.isIdentifier(argument.expression) &&
    argument.expression.text === 'Topics'
  ) {
    const name = argument.name.text;
    if (Object.hasOwn(Topics, name)) return Topics[name as keyof typeof Topics];
  }
  return null;
}

/** Every bus handler decorator, and every publish or request call naming a topic from `Topics`. */
function usesIn(file: string): Use[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const uses: Use[] = [];
  const record = (node: ts.Node, kind: Use['kind'], argument: ts.Expression | undefined) =>
    uses.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
      kind,
      topic: topicOf(argument),
      text: argument?.getText(source) ?? '',
    });
  const visit = (node: ts.Node): void => {
    if (ts.isDecorator(node) && ts.isCallExpression(node.expression) && ts.isIdentifier(node.expression.expression)) {
      if (['EventPattern', 'MessagePattern'].includes(node.expression.expression.text))
        record(node, 'consumes', node.expression.arguments[0]);
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ['publish', 'request'].includes(node.expression.name.text)
    ) {
      if (topicOf(node.arguments[0]) !== null) record(node, 'produces', node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function serviceOf(file: string): ServiceName | undefined {
  return services.find((service) => file.startsWith(`libs/${service}/`) || file.startsWith(`apps/${service}/`));
}

const uses = ['apps', 'libs']
  .flatMap(productionFiles)
  .filter((file) => !notProduction.some((prefix) => file.startsWith(prefix)))
  .flatMap(usesIn);

function found(topic: Topic, kind: Use['kind']): ServiceName[] {
  const names = uses.filter((use) => use.topic === topic && use.kind === kind).map((use) => serviceOf(use.file));
  return [...new Set(names)].filter((name): name is ServiceName => name !== undefined).sort();
}

const where = (use: Use) => `${use.file}:${use.line} (${use.text})`;

describe('topic routes', () => {
  it('finds the bus code it checks', () => {
    expect(uses.filter((use) => use.kind === 'consumes').length).toBeGreaterThan(10);
    expect(uses.filter((use) => use.kind === 'produces').length).toBeGreaterThan(10);
  });

  it('knows the topic of every handler in a service', () => {
    expect(uses.filter((use) => use.kind === 'consumes' && use.topic === null).map(where)).toEqual([]);
  });

  it('finds topics produced or consumed only inside the services', () => {
    expect(uses.filter((use) => serviceOf(use.file) === undefined).map(where)).toEqual([]);
  });

  it.each(Object.values(Topics))('%s: its producers and consumers are the ones the code has', (topic) => {
    const route = TopicRoutes[topic];
    expect({ producers: found(topic, 'produces'), consumers: found(topic, 'consumes') }).toEqual({
      producers: [...route.producers].sort(),
      consumers: [...route.consumers].sort(),
    });
  });

  it('gives every command one owner, and every event a consumer or the later work that consumes it', () => {
    for (const topic of Object.values(Topics)) {
      const { consumers, consumedLater } = TopicRoutes[topic];
      if (requestTopics.includes(topic))
        expect({ topic, consumers: consumers.length, consumedLater }).toEqual({ topic, consumers: 1, consumedLater: undefined });
      else expect({ topic, consumedLater: consumers.length === 0 ? expect.any(String) : undefined }).toEqual({ topic, consumedLater });
    }
  });
});
