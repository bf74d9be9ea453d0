// ResolveNames with a real EWS client (ews-javascript-api) against every deployment's directory
// (see ews-deployment.ts): it holds exactly the four users, with the demo users' display names.
import * as ews from 'ews-javascript-api';
import { errorOf, EWS_DISPLAY_NAMES, EwsDeployment } from './ews-deployment';

const all = (found: ews.NameResolutionCollection) => Array.from({ length: found.Count }, (_, i) => found._getItem(i));

export function nameScenarios(deployment: () => EwsDeployment): void {
  describe('ResolveNames', () => {
    it('resolves a unique name with its contact data', async () => {
      const d = deployment();
      const found = await d.client('alice').ResolveName('bob', ews.ResolveNameSearchLocation.DirectoryThenContacts, true);
      expect(found.Count).toBe(1);
      const [bob] = all(found);
      expect(bob.Mailbox.Name).toBe(EWS_DISPLAY_NAMES.bob);
      expect(bob.Mailbox.Address).toBe(d.address('bob'));
      expect(bob.Mailbox.RoutingType).toBe('SMTP');
      expect(ews.MailboxType[bob.Mailbox.MailboxType]).toBe('Mailbox');
      expect(bob.Contact.DisplayName).toBe(EWS_DISPLAY_NAMES.bob);
    });

    it('resolves display-name words and SMTP: entries', async () => {
      const d = deployment();
      const alice = d.client('alice');
      expect(all(await alice.ResolveName('chen')).map((r) => r.Mailbox.Address)).toEqual([d.address('carol')]);
      expect(all(await alice.ResolveName(`SMTP:${d.address('alice')}`)).map((r) => r.Mailbox.Address)).toEqual([d.address('alice')]);
    });

    it('returns every candidate for an ambiguous name (a warning, not an error)', async () => {
      const d = deployment();
      const found = await d.client('alice').ResolveName('a');
      expect(all(found).map((r) => r.Mailbox.Address)).toEqual([d.address('alice'), d.address('app')]);
      expect(found.IncludesAllResolutions).toBe(true);
    });

    it('honours the search scope, the contact details flag and the contact data shape', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const { DirectoryOnly, ContactsOnly, ContactsThenDirectory } = ews.ResolveNameSearchLocation;
      const [plain] = all(await alice.ResolveName('bob', DirectoryOnly, false));
      expect(plain.Mailbox.Address).toBe(d.address('bob'));
      expect(plain.Contact).toBeFalsy();
      const [full] = all(await alice.ResolveName('bob', ContactsThenDirectory, true));
      expect(full.Contact.DisplayName).toBe(EWS_DISPLAY_NAMES.bob);
      // The personal contacts folder is empty.
      expect((await alice.ResolveName('bob', ContactsOnly, true)).Count).toBe(0);
      // IdOnly: the contact element alone (a directory entry has no item id).
      const [idOnly] = all(await alice.ResolveName('bob', DirectoryOnly, true, new ews.PropertySet(ews.BasePropertySet.IdOnly)));
      expect(idOnly.Mailbox.Address).toBe(d.address('bob'));
      const [allProperties] = all(
        await alice.ResolveName('bob', DirectoryOnly, true, new ews.PropertySet(ews.BasePropertySet.FirstClassProperties)),
      );
      expect(allProperties.Contact.DisplayName).toBe(EWS_DISPLAY_NAMES.bob);
    });

    it('searches the Contacts folder named in ParentFolderIds and refuses any other folder', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const contacts = [new ews.FolderId(ews.WellKnownFolderName.Contacts)];
      const [bob] = all(await alice.ResolveName('bob', contacts, ews.ResolveNameSearchLocation.DirectoryThenContacts, false));
      expect(bob.Mailbox.Address).toBe(d.address('bob'));
      expect((await alice.ResolveName('bob', contacts, ews.ResolveNameSearchLocation.ContactsOnly, false)).Count).toBe(0);
      const calendar = [new ews.FolderId(ews.WellKnownFolderName.Calendar)];
      expect((await errorOf(alice.ResolveName('bob', calendar, ews.ResolveNameSearchLocation.DirectoryThenContacts, true))).code).toBe(
        'ErrorInvalidFolderId',
      );
    });

    it('returns nothing for an unknown name', async () => {
      const found = await deployment().client('alice').ResolveName('zebedee');
      expect(found.Count).toBe(0);
    });
  });
}
