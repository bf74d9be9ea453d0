/** Why a change to a user's contact list, blocks, state or note was refused; each front maps these to its own errors. */
export enum PresenceSettingsErrorCode {
  /** An address that is not an SMTP address. */
  InvalidAddress = 'InvalidAddress',
  /** A user cannot add or block themself. */
  SelfReference = 'SelfReference',
  /** The group id names no group of this user. */
  GroupNotFound = 'GroupNotFound',
  /** The user already has a group of this name (names compare without case). */
  GroupExists = 'GroupExists',
  /** A group with contacts in it cannot be removed: move or remove them first. */
  GroupNotEmpty = 'GroupNotEmpty',
  /** A blank group name, or one longer than the limit. */
  InvalidGroupName = 'InvalidGroupName',
  ContactNotFound = 'ContactNotFound',
  /** More groups, contacts or blocks than one user may have. */
  LimitExceeded = 'LimitExceeded',
  /** Not one of the user states. */
  InvalidState = 'InvalidState',
  /** An expiry that is not in the future. */
  InvalidExpiry = 'InvalidExpiry',
  /** A personal note longer than the limit. */
  NoteTooLong = 'NoteTooLong',
}

export class PresenceSettingsException extends Error {
  constructor(
    readonly code: PresenceSettingsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PresenceSettingsException';
  }
}
