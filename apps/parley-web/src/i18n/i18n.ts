import { en, type Catalog, type MessageKey } from './en';
import { fr } from './fr';
import { it } from './it';
import { ko } from './ko';
import type { PluralMessage } from './message';
import { ru } from './ru';
import { zhCN } from './zh-CN';

/** The UI languages: a BCP 47 tag, the catalog, and the language's own name (shown untranslated). */
export const languages = {
  en: { catalog: en as Catalog, name: 'English' },
  it: { catalog: it, name: 'Italiano' },
  'zh-CN': { catalog: zhCN, name: '简体中文' },
  ru: { catalog: ru, name: 'Русский' },
  fr: { catalog: fr, name: 'Français' },
  ko: { catalog: ko, name: '한국어' },
} as const satisfies Record<string, { catalog: Catalog; name: string }>;

export type LanguageTag = keyof typeof languages;
export const languageTags = Object.keys(languages) as LanguageTag[];
export const DEFAULT_LANGUAGE: LanguageTag = 'en';

export function isLanguageTag(value: unknown): value is LanguageTag {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(languages, value);
}

/**
 * The first of the browser's preferred languages the UI has: an exact tag, then the base language
 * (`fr-CA` → `fr`; any `zh` → Simplified Chinese, the only Chinese catalog), else English.
 */
export function pickLanguage(preferred: readonly string[]): LanguageTag {
  for (const tag of preferred) {
    const exact = languageTags.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.split('-')[0]?.toLowerCase();
    const byBase = languageTags.find((l) => l.split('-')[0]?.toLowerCase() === base);
    if (byBase) return byBase;
  }
  return DEFAULT_LANGUAGE;
}

export type Params = Record<string, string | number>;

/** Replaces `{name}` with the parameter's value; an unknown placeholder stays as written. */
export function interpolate(text: string, params: Params, formatNumber: (n: number) => string): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Translations, plurals, numbers and times for one language, in the user's time zone. */
export class Translator {
  readonly catalog: Catalog;
  private readonly plural: Intl.PluralRules;
  private readonly numbers: Intl.NumberFormat;
  private readonly times: Intl.DateTimeFormat;
  private readonly dateTimes: Intl.DateTimeFormat;
  private readonly dayTimes: Intl.DateTimeFormat;
  private readonly days: Intl.DateTimeFormat;
  private readonly longDates: Intl.DateTimeFormat;

  constructor(
    readonly language: LanguageTag,
    readonly timeZone?: string,
  ) {
    this.catalog = languages[language].catalog;
    this.plural = new Intl.PluralRules(language);
    this.numbers = new Intl.NumberFormat(language);
    this.times = new Intl.DateTimeFormat(language, { timeStyle: 'short', timeZone });
    this.dateTimes = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    this.dayTimes = new Intl.DateTimeFormat(language, { weekday: 'short', hour: 'numeric', minute: '2-digit', timeZone });
    this.days = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    this.longDates = new Intl.DateTimeFormat(language, { weekday: 'long', day: 'numeric', month: 'long', timeZone });
  }

  t(key: MessageKey, params: Params = {}): string {
    const message = this.catalog[key] as string | PluralMessage;
    const text = typeof message === 'string' ? message : this.pluralText(message, params['count']);
    return interpolate(text, params, (n) => this.numbers.format(n));
  }

  private pluralText(message: PluralMessage, count: string | number | undefined): string {
    const n = typeof count === 'number' ? count : Number(count);
    const category = Number.isFinite(n) ? this.plural.select(n) : 'other';
    return message[category] ?? message.other;
  }

  /** A time of day (`11:30`, `11:30 AM`, …). */
  time(instant: number | Date): string {
    return this.times.format(instant);
  }

  /** A date and time. */
  dateTime(instant: number | Date): string {
    return this.dateTimes.format(instant);
  }

  /**
   * An instant relative to `now` as short as is unambiguous: a time today, a weekday and time
   * within the week ahead, else the date and time.
   */
  when(instant: number, now: number): string {
    const sameDay = this.dayKey(instant) === this.dayKey(now);
    if (sameDay) return this.time(instant);
    if (instant > now && instant - now < 6 * 24 * 3600_000) return this.dayTimes.format(instant);
    return this.dateTime(instant);
  }

  /** A day as a heading says it (`Thursday, December 3`). */
  date(instant: number): string {
    return this.longDates.format(instant);
  }

  /**
   * A span of time in the language's range form (`10:00 – 10:30 AM`); with weekdays when it does
   * not start and end on the same day.
   */
  timeRange(start: number, end: number): string {
    const last = Math.max(start, end);
    const formatter = this.dayKey(start) === this.dayKey(last) ? this.times : this.dayTimes;
    return formatter.formatRange(start, last);
  }

  private dayKey(instant: number): string {
    return this.days.format(instant);
  }
}
