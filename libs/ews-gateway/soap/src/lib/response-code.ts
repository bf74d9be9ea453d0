/**
 * EWS `ResponseCodeType` values (messages.xsd) that Parley emits. The schema lists several
 * hundred; this is the subset the gateway needs — add a code here (never a free string in a
 * handler) when an operation needs a new one, so every code on the wire is a real schema value.
 */
export const EwsResponseCode = {
  NoError: 'NoError',
  ErrorAccessDenied: 'ErrorAccessDenied',
  ErrorCalendarEndDateIsEarlierThanStartDate: 'ErrorCalendarEndDateIsEarlierThanStartDate',
  ErrorCalendarInvalidRecurrence: 'ErrorCalendarInvalidRecurrence',
  ErrorCalendarCannotMoveOrCopyOccurrence: 'ErrorCalendarCannotMoveOrCopyOccurrence',
  ErrorCalendarInvalidTimeZone: 'ErrorCalendarInvalidTimeZone',
  ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange: 'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
  ErrorCalendarViewRangeTooBig: 'ErrorCalendarViewRangeTooBig',
  ErrorChangeKeyRequired: 'ErrorChangeKeyRequired',
  ErrorCorruptData: 'ErrorCorruptData',
  ErrorExceededConnectionCount: 'ErrorExceededConnectionCount',
  ErrorFolderNotFound: 'ErrorFolderNotFound',
  ErrorImpersonateUserDenied: 'ErrorImpersonateUserDenied',
  ErrorImpersonationFailed: 'ErrorImpersonationFailed',
  ErrorInternalServerError: 'ErrorInternalServerError',
  ErrorInvalidArgument: 'ErrorInvalidArgument',
  ErrorInvalidChangeKey: 'ErrorInvalidChangeKey',
  ErrorInvalidExchangeImpersonationHeaderData: 'ErrorInvalidExchangeImpersonationHeaderData',
  ErrorInvalidFolderId: 'ErrorInvalidFolderId',
  ErrorInvalidId: 'ErrorInvalidId',
  ErrorInvalidIdEmpty: 'ErrorInvalidIdEmpty',
  ErrorInvalidIdMalformed: 'ErrorInvalidIdMalformed',
  ErrorInvalidOperation: 'ErrorInvalidOperation',
  ErrorInvalidPropertyDelete: 'ErrorInvalidPropertyDelete',
  ErrorInvalidPropertyRequest: 'ErrorInvalidPropertyRequest',
  ErrorInvalidPropertySet: 'ErrorInvalidPropertySet',
  ErrorInvalidRequest: 'ErrorInvalidRequest',
  ErrorInvalidServerVersion: 'ErrorInvalidServerVersion',
  ErrorInvalidSmtpAddress: 'ErrorInvalidSmtpAddress',
  ErrorInvalidValueForProperty: 'ErrorInvalidValueForProperty',
  ErrorIrresolvableConflict: 'ErrorIrresolvableConflict',
  ErrorItemNotFound: 'ErrorItemNotFound',
  ErrorMailboxDataArrayTooBig: 'ErrorMailboxDataArrayTooBig',
  ErrorMailRecipientNotFound: 'ErrorMailRecipientNotFound',
  ErrorMessageDispositionRequired: 'ErrorMessageDispositionRequired',
  ErrorMoveCopyFailed: 'ErrorMoveCopyFailed',
  ErrorNameResolutionMultipleResults: 'ErrorNameResolutionMultipleResults',
  ErrorNameResolutionNoResults: 'ErrorNameResolutionNoResults',
  ErrorNonExistentMailbox: 'ErrorNonExistentMailbox',
  ErrorQuotaExceeded: 'ErrorQuotaExceeded',
  ErrorRestrictionTooComplex: 'ErrorRestrictionTooComplex',
  ErrorSchemaValidation: 'ErrorSchemaValidation',
  ErrorServerBusy: 'ErrorServerBusy',
  ErrorTimeIntervalTooBig: 'ErrorTimeIntervalTooBig',
  ErrorTimeZone: 'ErrorTimeZone',
  ErrorUnsupportedPathForQuery: 'ErrorUnsupportedPathForQuery',
  ErrorUnsupportedPathForSortGroup: 'ErrorUnsupportedPathForSortGroup',
  ErrorUnsupportedQueryFilter: 'ErrorUnsupportedQueryFilter',
} as const;

export type EwsResponseCode = (typeof EwsResponseCode)[keyof typeof EwsResponseCode];

/** `ResponseClass` attribute of a response message. */
export type ResponseClass = 'Success' | 'Warning' | 'Error';
