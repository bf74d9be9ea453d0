import { Logger } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DatabaseLogger } from './database-logger';

describe('DatabaseLogger', () => {
  const runner = (logging: unknown) => ({ connection: { options: { logging } } }) as unknown as QueryRunner;
  afterEach(() => jest.restoreAllMocks());

  it('writes a failed query as one line through Nest’s logger, without its parameters', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    new DatabaseLogger('directory').logQueryError(
      new Error('invalid byte sequence for encoding "UTF8": 0x00'),
      'SELECT *\n  FROM "users"\n WHERE a = $1',
      ['secret-hash'],
      runner(['error']),
    );
    expect(error).toHaveBeenCalledTimes(1);
    const [line] = error.mock.calls[0] as [string];
    expect(line).toBe('query failed: invalid byte sequence for encoding "UTF8": 0x00 (SELECT * FROM "users" WHERE a = $1)');
    expect(line).not.toContain('secret-hash');
  });

  it('stays silent when the DataSource’s logging option says so', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const logger = new DatabaseLogger('admin');
    logger.logQueryError('boom', 'SELECT 1', [], runner([]));
    logger.logQueryError('boom', 'SELECT 1', [], runner(false));
    expect(error).not.toHaveBeenCalled();
  });
});
