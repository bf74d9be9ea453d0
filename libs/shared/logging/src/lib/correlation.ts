import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface CorrelationScope {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationScope>();

/** Runs `fn` with `correlationId` as the ambient id: logs carry it and produced messages forward it. */
export function runWithCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The ambient id, or a fresh one when work starts outside any request (timers, relays). */
export function correlationIdOrNew(): string {
  return currentCorrelationId() ?? randomUUID();
}

/** Accepts a caller-supplied id only when it is short and printable, so logs cannot be forged. */
export function sanitizeCorrelationId(candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  return /^[A-Za-z0-9._:-]{1,128}$/.test(candidate) ? candidate : undefined;
}
