import { z } from 'zod';
import { QueryFailedError } from 'typeorm';
import { classifyFailure, describeFailure, PermanentMessageError } from './message-failure';

const pgError = (code: string, message = 'pg says no') => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  class MailboxRefused extends PermanentMessageError {}

  it.each([
    ['a PermanentMessageError', new PermanentMessageError('no')],
    ['a subclass of it (a module exception that is a refusal)', new MailboxRefused('no such mailbox')],
    ['a zod validation error', z.object({ n: z.number() }).safeParse({ n: 'x' }).error],
    ['a data exception (22P02 invalid text representation)', pgError('22P02')],
    ['a numeric value out of range (22003)', pgError('22003')],
    ['a unique violation (23505)', pgError('23505')],
    ['a check violation wrapped by TypeORM', new QueryFailedError('INSERT …', [], pgError('23514'))],
  ])('permanent: %s', (_label, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });

  it.each([
    ['a serialization failure (40001)', pgError('40001')],
    ['a deadlock (40P01)', pgError('40P01')],
    ['a lost connection (08006)', pgError('08006')],
    ['an administrator shutdown (57P01)', pgError('57P01')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a deadlock wrapped by TypeORM', new QueryFailedError('UPDATE …', [], pgError('40P01'))],
    ['an unknown error', new Error('something odd')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('transient: %s', (_label, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });
});

describe('describeFailure', () => {
  it('names the error and adds the SQLSTATE', () => {
    expect(describeFailure(new PermanentMessageError('refused'))).toBe('PermanentMessageError: refused');
    expect(describeFailure(new QueryFailedError('INSERT …', [], pgError('23505', 'duplicate key')))).toBe(
      'QueryFailedError: duplicate key (SQLSTATE 23505)',
    );
    expect(describeFailure('boom')).toBe('boom');
  });
});
