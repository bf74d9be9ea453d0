import { PresenceSettingsErrorCode } from '@parley/presence-bridge/feature-presence';
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
