import { z } from 'zod';

/**
 * Every code an owning service refuses a command with (`Reply`'s `error.code`): the bus's own
 * `InvalidRequest` (the command failed its contract) and the owners' domain refusals. Callers map
 * them exhaustively to their protocol's errors. The values are on the wire: never rename one.
 */
export const CommandErrorCodes = {
  /** The command did not match its contract (envelope or payload); answered by the bus before any handler. */
  invalidRequest: 'InvalidRequest',
  itemNotFound: 'ItemNotFound',
  /** An occurrence id or index names no occurrence of the series. */
  occurrenceNotFound: 'OccurrenceNotFound',
  /** A stale ChangeKey with NeverOverwrite. */
  conflict: 'Conflict',
  mailboxNotFound: 'MailboxNotFound',
  invalidRecurrence: 'InvalidRecurrence',
  invalidTimeZone: 'InvalidTimeZone',
  invalidOperation: 'InvalidOperation',
  /** The end comes before the start. */
  invalidDuration: 'InvalidDuration',
  /** A calendar view or free/busy window longer than the owner serves. */
  windowTooLarge: 'WindowTooLarge',
  /** The mailbox is over its quota (the message store refuses new content). */
  quotaExceeded: 'QuotaExceeded',
  /** A message to send has no recipients, or more than the store allows per message. */
  invalidRecipients: 'InvalidRecipients',
  /** A recipient cannot be reached: outside Parley's domains with no smarthost configured. Nothing was sent. */
  recipientUnreachable: 'RecipientUnreachable',
} as const;
export type CommandErrorCode = (typeof CommandErrorCodes)[keyof typeof CommandErrorCodes];

export const commandErrorCodeSchema = z.enum(Object.values(CommandErrorCodes) as [CommandErrorCode, ...CommandErrorCode[]]);
