import type { DirectoryUser } from '@parley/directory';

/** LegacyDN-style distinguished name; Parley has no X.500 directory, so it is derived from the address. */
export function legacyDn(user: DirectoryUser): string {
  return `/o=Parley/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${user.smtpAddress.replace(/[^a-z0-9]/gi, '')}`;
}

/** The GetUserSettings values Parley can answer, by setting name. */
export function userSettings(user: DirectoryUser, publicUrl: string): ReadonlyMap<string, string> {
  const ews = `${publicUrl}/EWS/Exchange.asmx`;
  const host = new URL(publicUrl).host;
  return new Map([
    ['UserDisplayName', user.displayName],
    ['UserDN', legacyDn(user)],
    ['AutoDiscoverSMTPAddress', user.smtpAddress],
    ['InternalEwsUrl', ews],
    ['ExternalEwsUrl', ews],
    ['InternalMailboxServer', host],
    ['ExternalMailboxServer', host],
    ['MailboxDN', `${legacyDn(user)}/cn=Mailbox`],
    [
      'EwsSupportedSchemas',
      'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016',
    ],
    ['CasVersion', '15.01.2507.006'],
  ]);
}
