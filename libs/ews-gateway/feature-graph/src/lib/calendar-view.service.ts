import { Injectable } from '@nestjs/common';
import { type CalendarItemView, CommandErrorCodes } from '@parley/contracts';
import type { DirectoryUser } from '@parley/directory';
import { CalendarClient } from '@parley/ews-gateway/feature-ews';
import { badRequest } from '@parley/graph';
import { CommandRefusedError } from '@parley/messaging';
import { GraphMailboxAccess, ownerTimeout } from './mailbox-access';
import type { CalendarViewQuery } from './query-options';

/** One page of a calendar view, for the mailbox it was read from. */
export interface CalendarViewPage {
  user: DirectoryUser;
  items: CalendarItemView[];
  /** Whether occurrences remain after this page. */
  more: boolean;
}

/**
 * Graph's calendarView over calendar-sync's calendar view query — the one EWS FindItem with a
 * CalendarView asks (`CalendarClient.find`): every item overlapping the window, recurring series
 * expanded into their occurrences, sorted by start. A page is the query's first `$skip + $top`
 * occurrences cut to the page (calendar-sync's contract has no offset; the bounds keep it within
 * its 2000 per query).
 */
@Injectable()
export class CalendarViewService {
  constructor(
    private readonly calendar: CalendarClient,
    private readonly access: GraphMailboxAccess,
  ) {}

  async view(caller: DirectoryUser, key: string, query: CalendarViewQuery): Promise<CalendarViewPage> {
    const user = await this.access.mailboxOf(caller, key);
    const upTo = query.skip + query.top;
    const found = await this.calendar
      .find(user.smtpAddress, new Date(query.start).toISOString(), new Date(query.end).toISOString(), upTo)
      .catch(calendarRefusal);
    return { user, items: found.items.slice(query.skip, upTo), more: found.totalItemsInView > upTo };
  }
}

function calendarRefusal(error: unknown): never {
  const timeout = ownerTimeout(error, 'The calendar');
  if (timeout) throw timeout;
  if (
    error instanceof CommandRefusedError &&
    (error.code === CommandErrorCodes.invalidRequest || error.code === CommandErrorCodes.windowTooLarge)
  ) {
    throw badRequest('The calendar view window is not valid.');
  }
  throw error;
}
