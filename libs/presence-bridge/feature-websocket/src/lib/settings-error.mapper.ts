import { PresenceCoreErrorCode, PresenceSettingsErrorCode } from '@parley/presence-bridge/feature-presence';
import { type ErrorCode, ErrorCodes } from '@parley/presence-bridge/protocol';

/** Each refusal of the presence core as the protocol's error code (exhaustive: a new core code fails to compile here). */
export const settingsErrorCodes: Record<PresenceSettingsErrorCode, ErrorCode> = {
  [PresenceSettingsErrorCode.InvalidAddress]: ErrorCodes.invalidAddress,
  [PresenceSettingsErrorCode.SelfReference]: ErrorCodes.selfReference,
  [PresenceSettingsErrorCode.GroupNotFound]: ErrorCodes.groupNotFound,
  [PresenceSettingsErrorCode.GroupExists]: ErrorCodes.groupExists,
  [PresenceSettingsErrorCode.GroupNotEmpty]: ErrorCodes.groupNotEmpty,
  [PresenceSettingsErrorCode.InvalidGroupName]: ErrorCodes.invalidGroupName,
  [PresenceSettingsErrorCode.ContactNotFound]: ErrorCodes.contactNotFound,
  [PresenceSettingsErrorCode.LimitExceeded]: ErrorCodes.limitExceeded,
  [PresenceSettingsErrorCode.InvalidState]: ErrorCodes.invalidState,
  [PresenceSettingsErrorCode.InvalidExpiry]: ErrorCodes.invalidExpiry,
  [PresenceSettingsErrorCode.NoteTooLong]: ErrorCodes.noteTooLong,
};

/**
 * The core's refusals of a front's calls. `TooManyEndpoints` never reaches a request (it refuses a
 * connection's setup, which closes with 1008); `TooManyTargets` cannot happen (snapshots are read in
 * chunks the core takes).
 */
export const coreErrorCodes: Record<PresenceCoreErrorCode, ErrorCode> = {
  [PresenceCoreErrorCode.InvalidAddress]: ErrorCodes.invalidAddress,
  [PresenceCoreErrorCode.TooManyEndpoints]: ErrorCodes.limitExceeded,
  [PresenceCoreErrorCode.InvalidMessage]: ErrorCodes.invalidMessage,
  [PresenceCoreErrorCode.TooManyTargets]: ErrorCodes.limitExceeded,
  [PresenceCoreErrorCode.Busy]: ErrorCodes.busy,
};
