/** Why the presence core refused a front's call; each front maps these to its own error form. */
export enum PresenceCoreErrorCode {
  /** An address that is not an SMTP address. */
  InvalidAddress = 'InvalidAddress',
  /** The user has as many endpoints connected as allowed (PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER). */
  TooManyEndpoints = 'TooManyEndpoints',
  /** An empty IM, or one longer than PARLEY_PRESENCE_IM_MAX_CHARS. */
  InvalidMessage = 'InvalidMessage',
  /** More targets in one snapshot than the core reads at once. */
  TooManyTargets = 'TooManyTargets',
  /** This replica has as many IMs waiting for receipts as allowed; try again shortly. */
  Busy = 'Busy',
}

export class PresenceCoreException extends Error {
  constructor(
    readonly code: PresenceCoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PresenceCoreException';
  }
}
