// Out-of-office: the Graph `automaticRepliesSetting` the gateway serves, and the form the panel edits.
import type { ParleyApi } from './api';
import { toLocalInputValue, wallTimeToInstant } from './time';

export type OofStatus = 'disabled' | 'alwaysEnabled' | 'scheduled';
export type ExternalAudience = 'none' | 'contactsOnly' | 'all';

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface AutomaticRepliesSetting {
  status: OofStatus;
  externalAudience: ExternalAudience;
  scheduledStartDateTime?: DateTimeTimeZone | null;
  scheduledEndDateTime?: DateTimeTimeZone | null;
  internalReplyMessage?: string | null;
  externalReplyMessage?: string | null;
}

/** What the panel edits: the window as `datetime-local` values in the user's time zone, replies as plain text. */
export interface OofForm {
  status: OofStatus;
  externalAudience: ExternalAudience;
  start: string;
  end: string;
  internalReply: string;
  externalReply: string;
}

export type OofProblem = 'missing-window' | 'end-before-start';

export const OOF_PATH = '/api/v1.0/me/mailboxSettings/automaticRepliesSetting';

/** The instant a Graph dateTimeTimeZone names (NaN when unreadable). */
export function instantOf(value: DateTimeTimeZone | null | undefined): number {
  if (!value?.dateTime) return Number.NaN;
  return wallTimeToInstant(value.dateTime, value.timeZone || 'UTC');
}

/** The server's setting as the form shows it, its times in `timeZone`. */
export function formFromSetting(setting: AutomaticRepliesSetting, timeZone: string): OofForm {
  const start = instantOf(setting.scheduledStartDateTime);
  const end = instantOf(setting.scheduledEndDateTime);
  return {
    status: setting.status,
    externalAudience: setting.externalAudience,
    start: Number.isNaN(start) ? '' : toLocalInputValue(start, timeZone),
    end: Number.isNaN(end) ? '' : toLocalInputValue(end, timeZone),
    internalReply: htmlToText(setting.internalReplyMessage ?? ''),
    externalReply: htmlToText(setting.externalReplyMessage ?? ''),
  };
}

/** What is wrong with the form, if anything (a window is needed only for `scheduled`). */
export function validateOofForm(form: OofForm, timeZone: string): OofProblem | null {
  if (form.status !== 'scheduled') return null;
  const start = wallTimeToInstant(form.start, timeZone);
  const end = wallTimeToInstant(form.end, timeZone);
  if (Number.isNaN(start) || Number.isNaN(end)) return 'missing-window';
  return end > start ? null : 'end-before-start';
}

/** `datetime-local` gives minutes; Graph's dateTime carries seconds. */
function withSeconds(localValue: string): string {
  return /T\d{2}:\d{2}$/.test(localValue) ? `${localValue}:00` : localValue;
}

/** The PATCH body for a valid form: the window only when scheduled, as wall times in the user's zone. */
export function settingFromForm(form: OofForm, timeZone: string): AutomaticRepliesSetting {
  const setting: AutomaticRepliesSetting = {
    status: form.status,
    externalAudience: form.externalAudience,
    internalReplyMessage: form.internalReply,
    externalReplyMessage: form.externalReply,
  };
  if (form.status === 'scheduled') {
    setting.scheduledStartDateTime = { dateTime: withSeconds(form.start), timeZone };
    setting.scheduledEndDateTime = { dateTime: withSeconds(form.end), timeZone };
  }
  return setting;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Replies stored through EWS are often HTML. The panel shows them as text in a textarea (never as
 * markup): line-breaking tags become new lines, other tags go, entities are decoded. Plain text is
 * returned as it is.
 */
export function htmlToText(value: string): string {
  if (!/<\/?[a-z!][^>]*>/i.test(value)) return value;
  return value
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\r?\n/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|tr)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export async function loadOof(api: ParleyApi): Promise<AutomaticRepliesSetting> {
  const setting = await api.request<AutomaticRepliesSetting>('GET', OOF_PATH);
  if (!setting) throw new Error('empty automaticRepliesSetting');
  return setting;
}

export async function saveOof(api: ParleyApi, patch: AutomaticRepliesSetting): Promise<AutomaticRepliesSetting> {
  const setting = await api.request<AutomaticRepliesSetting>('PATCH', OOF_PATH, patch);
  if (!setting) throw new Error('empty automaticRepliesSetting');
  return setting;
}
