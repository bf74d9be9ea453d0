// ResolveNames with a real EWS client (ews-javascript-api) against the embedded app's directory.
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';

describe('EWS ResolveNames with ews-javascript-api (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;
  const service = () => ewsService(base, 'alice@parley.test', 'alice-demo-pw');

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley());
  });

  afterAll(async () => {
    await app?.stop();
  });

  const all = (found: ews.NameResolutionCollection) => Array.from({ length: found.Count }, (_, i) => found._getItem(i));

  it('resolves a unique name with its contact data', async () => {
    const found = await service().ResolveName('bob', ews.ResolveNameSearchLocation.DirectoryThenContacts, true);
    expect(found.Count).toBe(1);
    const [bob] = all(found);
    expect(bob.Mailbox.Name).toBe('Bob Baker');
    expect(bob.Mailbox.Address).toBe('bob@parley.test');
    expect(bob.Mailbox.RoutingType).toBe('SMTP');
    expect(ews.MailboxType[bob.Mailbox.MailboxType]).toBe('Mailbox');
    expect(bob.Contact.DisplayName).toBe('Bob Baker');
  });

  it('resolves display-name words and SMTP: entries', async () => {
    expect(all(await service().ResolveName('chen')).map((r) => r.Mailbox.Address)).toEqual(['carol@parley.test']);
    expect(all(await service().ResolveName('SMTP:alice@parley.test')).map((r) => r.Mailbox.Address)).toEqual(['alice@parley.test']);
  });

  it('returns every candidate for an ambiguous name (a warning, not an error)', async () => {
    const found = await service().ResolveName('a');
    expect(all(found).map((r) => r.Mailbox.Address)).toEqual(['alice@parley.test', 'app@parley.test']);
    expect(found.IncludesAllResolutions).toBe(true);
  });

  it('returns nothing for an unknown name', async () => {
    const found = await service().ResolveName('zebedee');
    expect(found.Count).toBe(0);
  });
});
