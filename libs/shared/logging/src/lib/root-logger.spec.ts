import { Writable } from 'node:stream';
import { chooseLogFormat, createRootLogger } from './root-logger';

/** A stream that keeps what was written to it. */
function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

describe('the log format', () => {
  it('is pretty on a terminal and JSON anywhere else when auto, and what was asked otherwise', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('json: one JSON object a line with service, version and the fields', () => {
    const out = capture();
    createRootLogger({ service: 'parley', version: '1.0.0', level: 'info', format: 'json' }, out).warn(
      { kafka: { namespace: 'Connection' } },
      'Connection timeout',
    );
    expect(JSON.parse(out.text())).toMatchObject({
      level: 40,
      service: 'parley',
      version: '1.0.0',
      msg: 'Connection timeout',
      kafka: { namespace: 'Connection' },
    });
  });

  it('pretty: one readable line per entry, led by time, level and context, fields after it, secrets still redacted', () => {
    const out = capture();
    const logger = createRootLogger({ service: 'parley', version: '1.0.0', level: 'info', format: 'pretty' }, out);
    logger.warn({ context: 'Kafka', kafka: { namespace: 'Connection', broker: '127.0.0.1:9092' } }, 'Connection timeout');
    logger.info({ context: 'Directory', password: 'hunter2' }, 'seeded');
    logger.info(
      {
        correlationId: 'c-1',
        req: { id: 'c-1', method: 'POST', url: '/EWS/Exchange.asmx', remoteAddress: '127.0.0.1' },
        res: { statusCode: 200 },
        responseTime: 12,
      },
      'request completed',
    );
    logger.debug('not at info');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] .*WARN.*: \[Kafka\] Connection timeout .*\{"kafka":\{"namespace":"Connection","broker":"127\.0\.0\.1:9092"\}\}/,
    );
    expect(lines[1]).toMatch(/INFO.*: \[Directory\] seeded .*"password":"\[redacted\]"/);
    expect(lines[2]).toMatch(/INFO.*: request completed POST \/EWS\/Exchange\.asmx 200 in 12 ms .*\{"correlationId":"c-1"\}/);
    expect(out.text()).not.toContain('hunter2');
    expect(out.text()).not.toMatch(/"service"|"version"|"level"|"hostname"/);
  });
});
