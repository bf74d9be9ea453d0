import { Injectable } from '@nestjs/common';
import { CommandErrorCodes, Topics, weekDays, WorkingHours, WorkingHoursChanged } from '@parley/contracts';
import { CalendarSyncDatabase, StoredWorkingHours, WorkingHoursRepository } from '@parley/calendar-sync/data-access';
import { windowsZoneIdOf } from '@parley/calendar-time';
import { CalendarException } from './calendar.exception';
import { MailboxDirectory } from './mailbox-directory';

/** A mailbox's hours in effect, whether they are the default (none stored), and their revision (0 for the default). */
export interface WorkingHoursView {
  readonly mailbox: string;
  readonly workingHours: WorkingHours;
  readonly isDefault: boolean;
  readonly revision: number;
}

/** New hours for a mailbox; `null` removes them, so the default applies again. */
export interface WorkingHoursChange {
  readonly mailbox: string;
  readonly workingHours: WorkingHours | null;
}

/**
 * What `processed_message` records for a set (a label, not a topic: working hours are set by the
 * admin CLI running this service's code, never over the bus; docs/architecture.md).
 */
const SET_COMMAND = 'calendar-sync.working-hours.set';

/** Where the default working hours are read: the configured zone (PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE). */
export abstract class WorkingHoursDefaults {
  /** A Windows time zone id. */
  abstract readonly timeZone: string;
}

/** What a mailbox without stored working hours answers: Monday–Friday, 08:00–17:00, in `timeZone`. */
export function defaultWorkingHours(timeZone: string): WorkingHours {
  return { timeZone, days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], startMinutes: 8 * 60, endMinutes: 17 * 60 };
}

/** The zone as its canonical Windows id (an IANA zone is accepted) and the days Sunday first. */
export function normalizeWorkingHours(hours: WorkingHours): WorkingHours {
  const timeZone = windowsZoneIdOf(hours.timeZone);
  if (timeZone === null)
    throw new CalendarException(
      CommandErrorCodes.invalidTimeZone,
      `'${hours.timeZone.slice(0, 100)}' is not a time zone Parley knows (a Windows id or an IANA zone).`,
    );
  return { ...hours, timeZone, days: weekDays.filter((d) => hours.days.includes(d)) };
}

/**
 * Owns each mailbox's working hours: what free/busy answers in `WorkingHours`, and the commands
 * that set or reset them (applied once per command id, each change announced as
 * `calendar.working-hours.changed` in the same transaction). A mailbox without stored hours, or
 * whose hours were reset, has the default ones in the configured zone.
 */
@Injectable()
export class WorkingHoursService {
  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly hours: WorkingHoursRepository,
    private readonly directory: MailboxDirectory,
    private readonly defaults: WorkingHoursDefaults,
  ) {}

  async get(mailbox: string): Promise<WorkingHoursView> {
    await this.requireMailbox(mailbox);
    return this.viewOf(mailbox, await this.hours.find(mailbox));
  }

  /** The hours in effect for each of `mailboxes` (which the caller knows exist), in one query. */
  async inEffect(mailboxes: readonly string[]): Promise<Map<string, WorkingHours>> {
    const stored = await this.hours.findMany(mailboxes);
    return new Map(mailboxes.map((m) => [m, stored.get(m)?.workingHours ?? defaultWorkingHours(this.defaults.timeZone)]));
  }

  /** Stores the hours, or with `null` resets them to the default; answers the hours now in effect. */
  async set(commandId: string, req: WorkingHoursChange, now = new Date()): Promise<WorkingHoursView> {
    await this.requireMailbox(req.mailbox);
    const hours = req.workingHours && normalizeWorkingHours(req.workingHours);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.working-hours-set',
      { id: commandId, type: SET_COMMAND },
      async (tx) => {
        const current = await this.hours.findForUpdate(tx, req.mailbox);
        // Resetting hours that were never set changes nothing.
        if (hours === null && current === null) return null;
        const next: StoredWorkingHours = { mailbox: req.mailbox, workingHours: hours, revision: (current?.revision ?? 0) + 1 };
        await this.hours.save(tx, next, now);
        await tx.publish<WorkingHoursChanged>(Topics.calendarWorkingHoursChanged, req.mailbox, {
          mailbox: req.mailbox,
          workingHours: hours,
          revision: next.revision,
        });
        return next;
      },
    );
    return outcome.duplicate ? this.get(req.mailbox) : this.viewOf(req.mailbox, outcome.value);
  }

  private viewOf(mailbox: string, stored: StoredWorkingHours | null): WorkingHoursView {
    const hours = stored?.workingHours ?? null;
    return {
      mailbox,
      workingHours: hours ?? defaultWorkingHours(this.defaults.timeZone),
      isDefault: hours === null,
      revision: stored?.revision ?? 0,
    };
  }

  private async requireMailbox(mailbox: string): Promise<void> {
    if (!(await this.directory.exists(mailbox))) throw new CalendarException(CommandErrorCodes.mailboxNotFound, `No mailbox ${mailbox}.`);
  }
}
