// ResolveNames with a real EWS client (ews-javascript-api) against every deployment's directory
// (see ews-deployment.ts): it holds exactly the four users, with the demo users' display names.
import * as ews from 'ews-javascript-api';
import { EWS_DISPLAY_NAMES, EwsDeployment } from './ews-deployment';

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

    it('returns nothing for an unknown name', async () => {
      const found = await deployment().client('alice').ResolveName('zebedee');
      expect(found.Count).toBe(0);
    });
  });
}
