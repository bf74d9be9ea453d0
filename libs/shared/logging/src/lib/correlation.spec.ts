import { Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { requestLoggerOptions } from './logging.module';
import { correlationIdOrNew, currentCorrelationId, runWithCorrelation, sanitizeCorrelationId } from './correlation';
import { createRootLogger } from './root-logger';

describe('correlation scope', () => {
  it('is visible across awaits inside the scope and gone outside', async () => {
    await runWithCorrelation('abc-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      expect(currentCorrelationId()).toBe('abc-1');
    });
    expect(currentCorrelationId()).toBeUndefined();
    expect(correlationIdOrNew()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses ids that could forge log lines', () => {
    expect(sanitizeCorrelationId('ok-123')).toBe('ok-123');
    expect(sanitizeCorrelationId('bad\nid')).toBeUndefined();
    expect(sanitizeCorrelationId('x'.repeat(200))).toBeUndefined();
    expect(sanitizeCorrelationId(['a'])).toBeUndefined();
  });
});

describe('root logger', () => {
  it('writes service, version, correlation id and redacts secrets', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createRootLogger({ service: 'calendar-sync', version: '1.2.3', level: 'info' }, sink);
    runWithCorrelation('req-9', () => logger.info({ password: 'hunter2', nested: { password: 'x' } }, 'hello'));
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      service: 'calendar-sync',
      version: '1.2.3',
      correlationId: 'req-9',
      password: '[redacted]',
      msg: 'hello',
    });
    expect(line.nested.password).toBe('[redacted]');
  });
});

describe('requestLoggerOptions', () => {
  const req = {
    id: 'r1',
    method: 'POST',
    url: '/EWS/Exchange.asmx',
    headers: { authorization: 'Basic c2VjcmV0' },
  } as unknown as IncomingMessage;

  it('above info, skips the request line and binds only id, method and URL', () => {
    const options = requestLoggerOptions({ service: 's', version: '1', level: 'warn' });
    expect(options.autoLogging).toBe(false);
    const serializers = options.serializers as Record<string, (r: IncomingMessage) => unknown>;
    expect(serializers['req'](req)).toEqual({ id: 'r1', method: 'POST', url: '/EWS/Exchange.asmx' });
  });

  it('at info, logs each request (health probes excepted) with the correlation id', () => {
    const options = requestLoggerOptions({ service: 's', version: '1', level: 'info' });
    expect(options.autoLogging).toEqual({ ignore: expect.any(Function) });
    expect(options.serializers).toBeUndefined();
  });
});
