import { en, type MessageKey } from './en';
import { interpolate, languages, languageTags, pickLanguage, Translator, type LanguageTag } from './i18n';
import type { Message } from './message';

const placeholders = (message: Message): string[] => {
  const texts = typeof message === 'string' ? [message] : Object.values(message).filter((v): v is string => typeof v === 'string');
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)))].sort();
};

describe('catalogs', () => {
  const keys = Object.keys(en).sort() as MessageKey[];

  it.each(languageTags)('%s has every key of English and no other', (tag) => {
    expect(Object.keys(languages[tag].catalog).sort()).toEqual(keys);
  });

  it.each(languageTags)('%s uses the same {placeholders} as English in every message', (tag) => {
    const catalog = languages[tag].catalog;
    const mismatches = keys.filter((key) => placeholders(catalog[key]).join() !== placeholders(en[key]).join());
    expect(mismatches).toEqual([]);
  });

  it.each(languageTags)(
    '%s has a text for each plural category of its language where English has a plural, and a string elsewhere',
    (tag) => {
      const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories;
      const catalog = languages[tag].catalog;
      for (const key of keys) {
        const message = catalog[key];
        if (typeof en[key] === 'string') {
          expect({ key, type: typeof message }).toEqual({ key, type: 'string' });
        } else {
          const present = Object.keys(message as object);
          expect({ key, missing: categories.filter((c) => !present.includes(c)) }).toEqual({ key, missing: [] });
          expect({ key, count: placeholders(message).includes('count') }).toEqual({ key, count: true });
        }
      }
    },
  );

  it.each(languageTags)('%s has no empty or untrimmed text', (tag) => {
    const catalog = languages[tag].catalog;
    const texts = keys.flatMap((key) => {
      const message = catalog[key];
      return typeof message === 'string' ? [[key, message]] : Object.values(message).map((text) => [key, text]);
    });
    expect(texts.filter(([, text]) => !text || text !== text.trim())).toEqual([]);
  });

  it('translations differ from English (a copied catalog is not a translation)', () => {
    for (const tag of languageTags.filter((l) => l !== 'en')) {
      const catalog = languages[tag].catalog;
      const same = (Object.keys(en) as MessageKey[]).filter((key) => JSON.stringify(catalog[key]) === JSON.stringify(en[key]));
      // Names and words that read the same (Parley, "Contacts" in French, "Conversations", …) are few.
      expect({ tag, same: same.length <= 6 ? 'few' : same }).toEqual({ tag, same: 'few' });
    }
  });
});

describe('pickLanguage', () => {
  it.each<[string[], LanguageTag]>([
    [['it-IT', 'en'], 'it'],
    [['zh-TW', 'en'], 'zh-CN'],
    [['zh-CN'], 'zh-CN'],
    [['de-DE', 'fr-CA'], 'fr'],
    [['ru'], 'ru'],
    [['ko-KR'], 'ko'],
    [['de', 'pt-BR'], 'en'],
    [[], 'en'],
  ])('%j → %s', (preferred, expected) => {
    expect(pickLanguage(preferred)).toBe(expected);
  });
});

describe('Translator', () => {
  it('picks the plural form by Intl.PluralRules and formats the count in the language', () => {
    expect(new Translator('en').t('contacts.count', { count: 1 })).toBe('1 contact');
    expect(new Translator('en').t('contacts.count', { count: 1200 })).toBe('1,200 contacts');
    const ru = new Translator('ru');
    expect([1, 3, 5, 21, 22, 25].map((count) => ru.t('contacts.count', { count }))).toEqual([
      '1 контакт',
      '3 контакта',
      '5 контактов',
      '21 контакт',
      '22 контакта',
      '25 контактов',
    ]);
    expect(new Translator('fr').t('signIn.throttled', { count: 1 })).toBe('Trop de tentatives. Réessayez dans 1 seconde.');
    expect(new Translator('ko').t('signIn.throttled', { count: 30 })).toBe('시도 횟수가 너무 많습니다. 30초 후에 다시 시도하세요.');
  });

  it('fills named placeholders and leaves unknown ones visible', () => {
    expect(new Translator('it').t('conversation.typing', { name: 'Bob' })).toBe('Bob sta scrivendo…');
    expect(interpolate('{a} and {b}', { a: 'x' }, String)).toBe('x and {b}');
  });

  it('formats times in the given time zone and locale', () => {
    const at = Date.parse('2026-12-03T10:30:00Z');
    expect(new Translator('en', 'Europe/Rome').time(at)).toMatch(/^11:30\sAM$/);
    expect(new Translator('fr', 'Europe/Rome').time(at)).toBe('11:30');
    expect(new Translator('en', 'America/New_York').time(at)).toMatch(/^5:30\sAM$/);
  });
});
