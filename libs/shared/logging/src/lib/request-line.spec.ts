import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logRequestLine, withClientAddress } from './logging.module';
import { createRootLogger } from './root-logger';

describe('the request line', () => {
  it('carries the resolved client address beside the socket peer, resolved once per request', () => {
    const lines: string[] = [];
    const logger = createRootLogger({ service: 'test', version: '0', level: 'info' }, { write: (line: string) => void lines.push(line) });
    const req = {
      id: 'r1',
      method: 'POST',
      url: '/EWS/Exchange.asmx',
      socket: { remoteAddress: '127.0.0.4' },
    } as unknown as IncomingMessage;
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true }) as unknown as ServerResponse;
    logRequestLine(logger, req, res);
    const resolve = jest.fn(() => '198.51.100.7');
    expect(withClientAddress(req, resolve)).toBe('198.51.100.7');
    expect(withClientAddress(req, resolve)).toBe('198.51.100.7');
    expect(resolve).toHaveBeenCalledTimes(1);
    res.emit('close');
    expect(JSON.parse(lines[0])).toMatchObject({
      msg: 'request completed',
      req: { remoteAddress: '127.0.0.4', clientAddress: '198.51.100.7' },
    });
  });
});
