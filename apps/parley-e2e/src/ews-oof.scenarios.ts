// Out-of-office, impersonation and authentication as a user of a real EWS client sees them; run
// against every deployment (see ews-deployment.ts). Reads the defaults first: declare it before
// any other scenario that writes OOF settings.
import * as ews from 'ews-javascript-api';
import { ewsService } from './ews-embedded';
import { errorOf, EwsDeployment } from './ews-deployment';

/** OOF settings as a client writes them. */
export function oofSettings(
  state: ews.OofState,
  audience: ews.OofExternalAudience,
  internalReply: string,
  externalReply = '',
): ews.OofSettings {
  const settings = new ews.OofSettings();
  settings.State = state;
  settings.ExternalAudience = audience;
  settings.InternalReply = new ews.OofReply(internalReply);
  settings.ExternalReply = new ews.OofReply(externalReply);
  return settings;
}

export function oofScenarios(deployment: () => EwsDeployment): void {
  describe('out-of-office', () => {
    it('reads the default (disabled) settings of users who never set them', async () => {
      const d = deployment();
      for (const user of ['carol', 'bob'] as const) {
        const oof = await d.client(user).GetUserOofSettings(d.address(user));
        expect(ews.OofState[oof.State]).toBe('Disabled');
        expect(ews.OofExternalAudience[oof.AllowExternalOof]).toBe('All');
      }
    });

    // (ews-javascript-api does not escape '<' and '&' in reply text, so the test avoids them.)
    it('sets Enabled with internal and external replies and an external audience, and the next read sees it at once', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const service = d.client('alice');
      const settings = oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.Known, 'Away — back Monday (née café)', 'Out of office');
      await service.SetUserOofSettings(ALICE, settings);

      // Read-your-writes: no wait between the write and the read.
      const read = await service.GetUserOofSettings(ALICE);
      expect(ews.OofState[read.State]).toBe('Enabled');
      expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('Known');
      expect(read.InternalReply.Message).toBe('Away — back Monday (née café)');
      expect(read.ExternalReply.Message).toBe('Out of office');
    });

    it('reads its own writes in a tight loop of changes', async () => {
      const d = deployment();
      const BOB = d.address('bob');
      const service = d.client('bob');
      for (let n = 1; n <= 5; n++) {
        const settings = oofSettings(n % 2 ? ews.OofState.Enabled : ews.OofState.Disabled, ews.OofExternalAudience.All, `change #${n}`);
        await service.SetUserOofSettings(BOB, settings);
        const read = await service.GetUserOofSettings(BOB);
        expect([ews.OofState[read.State], read.InternalReply.Message]).toEqual([n % 2 ? 'Enabled' : 'Disabled', `change #${n}`]);
      }
    });

    it('sets Scheduled with a window, then Disabled (the window is kept, as Exchange does)', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const service = d.client('alice');
      const start = Date.UTC(2031, 6, 1, 8, 0, 0);
      const end = Date.UTC(2031, 6, 15, 17, 30, 0);
      const settings = oofSettings(ews.OofState.Scheduled, ews.OofExternalAudience.All, 'On holiday', 'On holiday (external)');
      settings.Duration = new ews.TimeWindow(new ews.DateTime(start), new ews.DateTime(end));
      await service.SetUserOofSettings(ALICE, settings);

      const scheduled = await service.GetUserOofSettings(ALICE);
      expect(ews.OofState[scheduled.State]).toBe('Scheduled');
      expect(ews.OofExternalAudience[scheduled.ExternalAudience]).toBe('All');
      expect(scheduled.Duration.StartTime.TotalMilliSeconds).toBe(start);
      expect(scheduled.Duration.EndTime.TotalMilliSeconds).toBe(end);

      settings.State = ews.OofState.Disabled;
      settings.Duration = null as unknown as ews.TimeWindow;
      await service.SetUserOofSettings(ALICE, settings);
      const disabled = await service.GetUserOofSettings(ALICE);
      expect(ews.OofState[disabled.State]).toBe('Disabled');
      expect(disabled.Duration.StartTime.TotalMilliSeconds).toBe(start);
      expect(disabled.InternalReply.Message).toBe('On holiday');
    });

    it('lets the app account (ApplicationImpersonation) act as alice', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const service = d.client('app');
      service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
      const settings = oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.None, 'Set by the app');
      await service.SetUserOofSettings(ALICE, settings);

      const read = await d.client('alice').GetUserOofSettings(ALICE);
      expect(read.InternalReply.Message).toBe('Set by the app');
      expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('None');
    });

    it('refuses impersonation by bob, who lacks the role', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const service = d.client('bob');
      service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
      expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorImpersonateUserDenied');
    });

    it('answers ErrorNonExistentMailbox when the app impersonates nobody', async () => {
      const d = deployment();
      const NOBODY = d.address('nobody');
      const service = d.client('app');
      service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, NOBODY);
      expect((await errorOf(service.GetUserOofSettings(NOBODY))).code).toBe('ErrorNonExistentMailbox');
    });

    it("denies bob access to alice's settings without impersonation", async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const service = d.client('bob');
      expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorAccessDenied');
      const settings = new ews.OofSettings();
      settings.State = ews.OofState.Enabled;
      expect((await errorOf(service.SetUserOofSettings(ALICE, settings))).code).toBe('ErrorAccessDenied');
    });

    it('rejects a wrong password with 401', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const failure = await errorOf(ewsService(d.base, ALICE, 'wrong').GetUserOofSettings(ALICE));
      expect(failure.message).toMatch(/401/);
    });
  });
}
