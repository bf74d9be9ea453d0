import { CalendarErrorCode, CalendarErrorCodes } from '@parley/contracts';

export { CalendarErrorCodes };

/** A calendar command that cannot succeed as asked; its code travels in the reply. */
export class CalendarException extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarException';
  }
}
