import { css, html, nothing } from 'lit';
import {
  CALENDAR_REFRESH_MS,
  calendarWindow,
  drivingEntryIds,
  groupByDay,
  loadCalendar,
  type CalendarDay,
  type CalendarEntry,
} from './calendar';
import { errorText } from './errors';
import { StateElement } from './state-element';
import { baseStyles } from './styles';
import { browserTimeZone } from './time';

/**
 * Today's and tomorrow's meetings (read-only), in the browser's time zone. Asks again when opened,
 * every minute while open, and when the calendar part of one's own presence changes (a meeting
 * starting or ending, one moved elsewhere); the meeting that makes one "In a meeting" is marked.
 */
export class CalendarGlance extends StateElement {
  static override properties = {
    days: { state: true },
    complete: { state: true },
    loading: { state: true },
    loadError: { state: true },
    updatedAt: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 48rem;
      }
      section {
        margin-bottom: 1.25rem;
      }
      h3 {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.5rem;
        align-items: baseline;
        border-bottom: 1px solid var(--border);
        padding-bottom: 0.25rem;
      }
      h3 .date {
        font-weight: 400;
        color: var(--muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.event {
        display: grid;
        grid-template-columns: minmax(8rem, 10rem) 1fr;
        gap: 0.15rem 1rem;
        padding: 0.6rem 0.5rem;
        border-bottom: 1px solid var(--border);
        border-inline-start: 4px solid transparent;
      }
      li.event[aria-current='time'] {
        border-inline-start-color: var(--accent);
        background: var(--surface);
      }
      .when {
        font-variant-numeric: tabular-nums;
      }
      .what {
        min-width: 0;
        display: flex;
        flex-direction: column;
        gap: 0.1rem;
      }
      .subject {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .cancelled .subject {
        text-decoration: line-through;
        font-weight: 400;
      }
      .details {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: center;
        color: var(--muted);
        font-size: 0.875rem;
      }
      .show-as {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
      }
      /* Free/busy as a shape as well as a colour: filled, hatched, hollow, dotted, diamond. */
      .mark {
        display: inline-block;
        width: 0.8rem;
        height: 0.8rem;
        border: 2px solid currentColor;
        border-radius: 2px;
        flex: none;
      }
      .mark.busy {
        color: var(--presence-busy);
        background: currentColor;
      }
      .mark.tentative {
        color: var(--presence-busy);
        background: repeating-linear-gradient(45deg, currentColor 0 2px, transparent 2px 4px);
      }
      .mark.oof {
        color: var(--oof-text);
        background: currentColor;
        transform: rotate(45deg) scale(0.85);
      }
      .mark.free {
        color: var(--presence-offline);
      }
      .mark.workingElsewhere {
        color: var(--presence-away);
        border-style: dotted;
      }
      .mark.unknown {
        color: var(--presence-offline);
        border-style: dashed;
        border-radius: 50%;
      }
      .tag {
        display: inline-block;
        font-size: 0.75rem;
        font-weight: 700;
        border-radius: var(--radius);
        padding: 0 0.35rem;
      }
      .tag.cancelled-tag {
        color: var(--warning-text);
        background: var(--warning-bg);
      }
      .now {
        font-weight: 700;
        color: var(--accent);
      }
      .empty {
        color: var(--muted);
        margin: 0.5rem 0;
      }
      @media (max-width: 480px) {
        li.event {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  days: CalendarDay[] | null = null;
  complete = true;
  loading = false;
  loadError: string | null = null;
  updatedAt: number | null = null;
  private readonly timeZone = browserTimeZone();
  private timer: ReturnType<typeof setInterval> | null = null;
  private loadSeq = 0;
  private seenCalendar: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.timer = setInterval(() => void this.load(), CALENDAR_REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.loadSeq++;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    // The server pushes one's own presence; its calendar part changes when a meeting starts, ends or moves.
    const calendar = JSON.stringify(this.state?.own?.calendar ?? null);
    if (this.seenCalendar !== undefined && calendar !== this.seenCalendar) void this.load();
    this.seenCalendar = calendar;
  }

  override render() {
    const { t } = this;
    const days = this.days;
    const total = days ? new Set(days.flatMap((d) => d.entries.map((e) => e.id))).size : 0;
    const now = Date.now();
    const driving = days
      ? drivingEntryIds(
          days.flatMap((d) => d.entries),
          this.state.own?.calendar,
          now,
        )
      : new Set<string>();
    return html`
      <h2>${t.t('calendar.heading')}</h2>
      <p class="hint">
        ${t.t('calendar.timeZone', { zone: this.timeZone })}
        ${this.updatedAt !== null ? html`<span data-testid="calendar-updated">${t.t('calendar.updated', { time: t.time(this.updatedAt) })}</span>` : nothing}
      </p>
      ${this.loading && !days ? html`<p role="status" data-testid="calendar-loading">${t.t('calendar.loading')}</p>` : nothing}
      ${
        this.loadError
          ? html`<p role="alert" class="error" data-testid="calendar-error">${this.loadError}</p>
              <button type="button" data-testid="calendar-retry" @click=${this.load}>${t.t('action.retry')}</button>`
          : nothing
      }
      ${days && total === 0 ? html`<p class="empty" data-testid="calendar-empty">${t.t('calendar.empty')}</p>` : nothing}
      ${days && total > 0 ? days.map((day) => this.renderDay(day, driving)) : nothing}
      ${
        days && !this.complete
          ? html`<p class="hint" data-testid="calendar-incomplete">${t.t('calendar.incomplete', { count: total })}</p>`
          : nothing
      }
    `;
  }

  private renderDay(day: CalendarDay, driving: ReadonlySet<string>) {
    const { t } = this;
    const headingId = `day-${day.relative}`;
    return html`
      <section data-testid="calendar-day-${day.relative}" data-date=${day.date} aria-labelledby=${headingId}>
        <h3 id=${headingId}>
          <span>${t.t(day.relative === 'today' ? 'calendar.today' : 'calendar.tomorrow')}</span>
          <span class="date">${t.date(day.start)}</span>
        </h3>
        ${
          day.entries.length === 0
            ? html`<p class="empty">${t.t('calendar.dayEmpty')}</p>`
            : html`<ul role="list">
                ${day.entries.map((entry) => this.renderEntry(entry, driving.has(entry.id)))}
              </ul>`
        }
      </section>
    `;
  }

  private renderEntry(entry: CalendarEntry, drives: boolean) {
    const { t } = this;
    return html`
      <li
        class="event ${entry.cancelled ? 'cancelled' : ''}"
        role="listitem"
        data-testid="calendar-event"
        data-event-id=${entry.id}
        data-show-as=${entry.showAs}
        data-cancelled=${entry.cancelled ? 'true' : 'false'}
        data-driving=${drives ? 'true' : 'false'}
        aria-current=${drives ? 'time' : nothing}
      >
        <span class="when" data-testid="event-time">${entry.allDay ? t.t('calendar.allDay') : t.timeRange(entry.start, entry.end)}</span>
        <span class="what">
          <span class="subject" data-testid="event-subject">${entry.subject || t.t('calendar.noSubject')}</span>
          <span class="details">
            <span class="show-as" data-testid="event-show-as"
              ><span class="mark ${entry.showAs}" aria-hidden="true"></span>${t.t(`calendar.showAs.${entry.showAs}`)}</span
            >
            ${entry.location ? html`<span data-testid="event-location">${t.t('calendar.location', { location: entry.location })}</span>` : nothing}
            ${entry.cancelled ? html`<span class="tag cancelled-tag" data-testid="event-cancelled">${t.t('calendar.cancelled')}</span>` : nothing}
          </span>
          ${drives ? html`<span class="now" data-testid="event-driving">${t.t('calendar.drivesPresence')}</span>` : nothing}
        </span>
      </li>
    `;
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.loading = true;
    try {
      const window = calendarWindow(Date.now(), this.timeZone);
      const { entries, complete } = await loadCalendar(this.state.api, window);
      if (seq !== this.loadSeq) return;
      this.days = groupByDay(entries, window);
      this.complete = complete;
      this.loadError = null;
      this.updatedAt = Date.now();
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.loadError = this.t.t('calendar.loadFailed', { detail: errorText(this.t, error) });
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }
}

customElements.define('calendar-glance', CalendarGlance);
