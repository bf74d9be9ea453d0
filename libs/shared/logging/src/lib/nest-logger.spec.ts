import { Logger as NestCommonLogger } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import { NestLogger } from './nest-logger';
import { createRootLogger } from './root-logger';

describe("Nest's logger", () => {
  const lines: Record<string, unknown>[] = [];
  let logger: NestLogger;

  beforeAll(() => {
    const root = createRootLogger(
      { service: 'parley', version: '0', level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    logger = new NestLogger(new Logger(new PinoLogger({ pinoHttp: { logger: root } }), {}));
  });

  beforeEach(() => (lines.length = 0));

  it("writes Nest's start-up lines at debug, as Nest's classes log them", () => {
    NestCommonLogger.overrideLogger(logger);
    try {
      new NestCommonLogger('InstanceLoader').log('AppModule dependencies initialized');
      new NestCommonLogger('RoutesResolver').log('HealthController {/}:');
      new NestCommonLogger('RouterExplorer').log('Mapped {/healthz, GET} route');
      new NestCommonLogger('NestFactory').log('Starting Nest application...');
      new NestCommonLogger('NestApplication').log('Nest application successfully started');
      new NestCommonLogger('NestMicroservice').log('Nest microservice successfully started');
    } finally {
      NestCommonLogger.overrideLogger(true);
    }
    expect(lines.map((l) => [l['level'], l['context']])).toEqual([
      [20, 'InstanceLoader'],
      [20, 'RoutesResolver'],
      [20, 'RouterExplorer'],
      [20, 'NestFactory'],
      [20, 'NestApplication'],
      [20, 'NestMicroservice'],
    ]);
    expect(lines[2]).toMatchObject({ msg: 'Mapped {/healthz, GET} route', service: 'parley' });
  });

  it('leaves every other line at its level, and warnings and errors of the boot contexts too', () => {
    logger.log('created 12 topics', 'Messaging');
    logger.log('SIGTERM received, shutting down');
    logger.warn('handler for x failed (attempt 1), retrying', 'Messaging');
    logger.error('Nest could not start', 'NestApplication');
    logger.debug('detail', 'Messaging');
    logger.verbose('more detail', 'Messaging');
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      [30, 'created 12 topics'],
      [30, 'SIGTERM received, shutting down'],
      [40, 'handler for x failed (attempt 1), retrying'],
      [50, 'Nest could not start'],
      [20, 'detail'],
    ]);
  });
});
