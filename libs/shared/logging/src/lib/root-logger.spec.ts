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
    createRootLogger({ service: 'parley', version: '1.0.0', level: 'info', format: 'json' }, out).warn({ kafka: { namespace: 'Connection' } }, 'Connection timeout');
    expect(JSON.parse(out.text())).toMatchObject({ level: 40, service: 'parley', version: '1.0.0', msg: 'Connection timeout', kafka: { namespace: 'Connection' } });
  });

  it('pretty: a readable line led by time, level and context, fields below it, secrets still redacted', () => {
    const out = capture();
    const logger = createRootLogger({ service: 'parley', version: '1.0.0', level: 'info', format: 'pretty' }, out);
    logger.warn({ context: 'Kafka', kafka: { namespace: 'Connection', broker: '127.0.0.1:9092' } }, 'Connection timeout');
    logger.info({ context: 'Directory', password: 'hunter2' }, 'seeded');
    logger.debug('not at info');
    const text = out.text();
    const [first] = text.split('\n');
    expect(first).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] .*WARN.*: \[Kafka\] Connection timeout$/);
    expect(text).toMatch(/kafka: \{\n\s+"namespace": "Connection",\n\s+"broker": "127\.0\.0\.1:9092"/);
    expect(text).toMatch(/INFO.*: \[Directory\] seeded\n\s+password: "\[redacted\]"/);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('not at info');
    expect(text).not.toMatch(/"service"|service:|version:|"level"/);
  });
});
