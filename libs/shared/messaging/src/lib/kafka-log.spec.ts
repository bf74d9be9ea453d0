import { Logger as NestCommonLogger } from '@nestjs/common';
import { createRootLogger, runWithCorrelation } from '@parley/logging';
import { LogEntry, logLevel } from 'kafkajs';
import { Logger, PinoLogger } from 'nestjs-pino';
import { kafkaLogCreator, kafkaLogLine } from './kafka-log';

/** An entry as kafkajs hands it to a logCreator. */
function entry(namespace: string, level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry {
  const label = {
    [logLevel.ERROR]: 'ERROR',
    [logLevel.WARN]: 'WARN',
    [logLevel.INFO]: 'INFO',
    [logLevel.DEBUG]: 'DEBUG',
    [logLevel.NOTHING]: 'NOTHING',
  }[level];
  return { namespace, level, label, log: { timestamp: '2026-12-03T01:00:00.000Z', logger: 'kafkajs', message, ...extra } };
}

const coordinatorNotAvailable = entry('Connection', logLevel.ERROR, 'Response FindCoordinator(key: 10, version: 2)', {
  broker: '127.0.0.1:9092',
  clientId: 'parley-calendar-sync',
  error: 'The group coordinator is not available',
  correlationId: 3,
  size: 55,
});

describe('kafkajs entries as log lines', () => {
  it('writes a retried "group coordinator not available" at info, with kafkajs fields as fields', () => {
    expect(kafkaLogLine(coordinatorNotAvailable)).toEqual({
      level: 'info',
      msg: 'Response FindCoordinator(key: 10, version: 2)',
      kafka: {
        namespace: 'Connection',
        broker: '127.0.0.1:9092',
        clientId: 'parley-calendar-sync',
        error: 'The group coordinator is not available',
        correlationId: 3,
        size: 55,
        retriable: true,
      },
    });
  });

  it.each([
    ["The coordinator is loading and hence can't process requests for this group"],
    ['This is not the correct coordinator for this group'],
    ['There is no leader for this topic-partition as we are in the middle of a leadership election'],
    ['This server is not the leader for that topic-partition'],
    ['The group is rebalancing, so a rejoin is needed'],
    ['This is not the correct controller for this cluster'],
  ])('writes a retried broker answer "%s" at info', (error) => {
    const line = kafkaLogLine(entry('Connection', logLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', { broker: 'b:9092', error }));
    expect(line.level).toBe('info');
    expect(line.kafka['retriable']).toBe(true);
  });

  it("never raises an entry above kafkajs' own level (its debug repeats each failed response)", () => {
    const repeated = entry('Connection', logLevel.DEBUG, 'Response FindCoordinator(key: 10, version: 2)', {
      broker: 'b:9092',
      error: 'The group coordinator is not available',
    });
    expect(kafkaLogLine(repeated)).toMatchObject({ level: 'debug', kafka: { retriable: true } });
  });

  it('writes connection retries while the broker starts at warn, without the stack', () => {
    const refused = kafkaLogLine(
      entry('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
        broker: '127.0.0.1:9092',
        clientId: 'c',
        stack: 'Error: connect ECONNREFUSED\n    at x',
      }),
    );
    expect(refused).toEqual({
      level: 'warn',
      msg: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      kafka: { namespace: 'Connection', broker: '127.0.0.1:9092', clientId: 'c', retriable: true },
    });
    const seed = kafkaLogLine(
      entry(
        'BrokerPool',
        logLevel.ERROR,
        'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
        { retryCount: 2, retryTime: 612 },
      ),
    );
    expect(seed).toMatchObject({ level: 'warn', kafka: { namespace: 'BrokerPool', retryCount: 2, retryTime: 612, retriable: true } });
    expect(kafkaLogLine(entry('Connection', logLevel.ERROR, 'Connection timeout', { broker: 'b:9092' })).level).toBe('warn');
    expect(
      kafkaLogLine(
        entry('Producer', logLevel.ERROR, 'Failed to send messages: This server is not the leader for that topic-partition', {
          retryCount: 0,
          retryTime: 250,
        }),
      ).level,
    ).toBe('warn');
  });

  it('writes rebalances at info and a consumer restart at warn', () => {
    expect(
      kafkaLogLine(
        entry('Runner', logLevel.WARN, 'The group is rebalancing, re-joining', {
          groupId: 'parley.calendar-sync',
          memberId: 'm-1',
          error: 'The group is rebalancing, so a rejoin is needed',
        }),
      ),
    ).toMatchObject({
      level: 'info',
      kafka: { namespace: 'Runner', groupId: 'parley.calendar-sync', memberId: 'm-1', retriable: true },
    });
    expect(
      kafkaLogLine(entry('Consumer', logLevel.ERROR, 'Restarting the consumer in 300ms', { retryCount: 5, retryTime: 300, groupId: 'g' }))
        .level,
    ).toBe('warn');
  });

  it('writes the admin\'s "topic already exists" answer (another replica created it first) at debug', () => {
    const line = kafkaLogLine(
      entry('Connection', logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', {
        broker: 'b:9092',
        clientId: 'parley-topic-admin',
        error: 'Topic creation errors',
      }),
    );
    expect(line.level).toBe('debug');
  });

  it('keeps give-ups and unknown failures at error, stack included', () => {
    const crash = kafkaLogLine(
      entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', {
        groupId: 'parley.calendar-sync',
        retryCount: 12,
        stack: 'KafkaJSNumberOfRetriesExceeded: ...',
      }),
    );
    expect(crash).toEqual({
      level: 'error',
      msg: 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available',
      kafka: { namespace: 'Consumer', groupId: 'parley.calendar-sync', retryCount: 12, stack: 'KafkaJSNumberOfRetriesExceeded: ...' },
    });
    const denied = kafkaLogLine(
      entry('Connection', logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', {
        broker: 'b:9092',
        error: 'Not authorized to access topics: [Topic authorization failed]',
      }),
    );
    expect(denied.level).toBe('error');
    expect(denied.kafka['retriable']).toBeUndefined();
  });

  it('writes kafkajs warnings at warn, its info (consumer start, group joins) at debug, and its notes on settings Parley chose at debug', () => {
    expect(kafkaLogLine(entry('ConsumerGroup', logLevel.WARN, 'Consumer group received unsubscribed topics', { groupId: 'g' })).level).toBe(
      'warn',
    );
    expect(
      kafkaLogLine(
        entry('ConsumerGroup', logLevel.INFO, 'Consumer has joined the group', {
          groupId: 'g',
          isLeader: true,
          memberAssignment: { t: [0, 1] },
        }),
      ),
    ).toMatchObject({
      level: 'debug',
      kafka: { groupId: 'g', isLeader: true, memberAssignment: { t: [0, 1] } },
    });
    expect(
      kafkaLogLine(entry('Producer', logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees')).level,
    ).toBe('debug');
    expect(
      kafkaLogLine(entry(undefined as unknown as string, logLevel.WARN, 'KafkaJS v2.0.0 switched default partitioner. To retain …')),
    ).toEqual({
      level: 'debug',
      msg: 'KafkaJS v2.0.0 switched default partitioner. To retain …',
      kafka: {},
    });
  });
});

describe('kafkaLogCreator through the Nest logger into pino', () => {
  const lines: Record<string, unknown>[] = [];

  beforeAll(() => {
    const root = createRootLogger(
      { service: 'calendar-sync', version: '1.2.3', level: 'debug' },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    NestCommonLogger.overrideLogger(new Logger(new PinoLogger({ pinoHttp: { logger: root } }), {}));
  });

  afterAll(() => NestCommonLogger.overrideLogger(true));

  beforeEach(() => (lines.length = 0));

  it('writes each entry at its pino level with kafkajs fields under `kafka`, never kafkajs JSON inside the message', () => {
    const log = kafkaLogCreator(logLevel.INFO);
    log(coordinatorNotAvailable);
    log(entry('Consumer', logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: boom', { groupId: 'g' }));
    log(entry('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092' }));
    log(entry('ConsumerGroup', logLevel.INFO, 'Consumer has joined the group', { groupId: 'g' }));
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([
      [30, 'Response FindCoordinator(key: 10, version: 2)'],
      [50, 'Crash: KafkaJSNumberOfRetriesExceeded: boom'],
      [40, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'],
      [20, 'Consumer has joined the group'],
    ]);
    expect(lines[0]).toMatchObject({
      service: 'calendar-sync',
      version: '1.2.3',
      context: 'Kafka',
      kafka: { namespace: 'Connection', broker: '127.0.0.1:9092', error: 'The group coordinator is not available', retriable: true },
    });
    for (const line of lines) expect(String(line['msg'])).not.toMatch(/[{}"]/);
  });

  it('leaves the Parley correlation id alone (kafkajs has a correlationId of its own)', () => {
    runWithCorrelation('req-42', () => kafkaLogCreator(logLevel.INFO)(coordinatorNotAvailable));
    expect(lines[0]).toMatchObject({ correlationId: 'req-42', kafka: { correlationId: 3 } });
  });
});
