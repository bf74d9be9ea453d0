import { ZodError } from 'zod';

/**
 * A handler's refusal of a message that no retry can change (a domain rule says no, the data is
 * unusable): the consumer dead-letters it at once. Module exceptions that are refusals extend it.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Named explicitly: a bundler may rename classes. Subclasses set their own.
    this.name = 'PermanentMessageError';
  }
}

export type FailureKind = 'permanent' | 'transient';

/**
 * SQLSTATE classes whose errors come from the data itself: 22 data exception (a value out of
 * range, bad text representation), 23 integrity constraint violation. Running the same statement
 * on the same message fails the same way. Everything else PostgreSQL reports (40001
 * serialization failure, 40P01 deadlock, 08 connection, 53 resources, 57 operator intervention)
 * may pass on its own.
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23']);

/**
 * Sorts a handler's failure: a refusal, a validation error or a data/integrity error from
 * PostgreSQL is permanent; anything else (connection loss, serialization failure, deadlock,
 * timeout, an error nobody foresaw) is transient and earns bounded retries.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentMessageError || error instanceof ZodError) return 'permanent';
  const code = sqlStateOf(error);
  if (code !== undefined && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'permanent';
  return 'transient';
}

/** The SQLSTATE of a pg error, also when TypeORM wraps it (QueryFailedError keeps `code`, and the original as `driverError`). */
function sqlStateOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return driverError !== undefined && driverError !== error ? sqlStateOf(driverError) : undefined;
}

/** One line for the dead letter and the log: the error's name and message, with the SQLSTATE when there is one. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = sqlStateOf(error);
  return `${error.name}: ${error.message}${code ? ` (SQLSTATE ${code})` : ''}`;
}
