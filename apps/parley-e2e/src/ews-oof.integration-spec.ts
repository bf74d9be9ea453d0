// A real EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) against the
// embedded app: out-of-office, impersonation and authentication as a user of the client sees them.
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';

const ALICE = 'alice@parley.test';

describe('EWS out-of-office with ews-javascript-api (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley());
  });

  afterAll(async () => {
    await app?.stop();
  });

  const reply = (text: string) => new ews.OofReply(text);

  async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
    try {
      await work;
    } catch (error) {
      // Per-item errors arrive as ServiceResponseException (ErrorCode), faults as SoapFaultDetails (ResponseCode).
      const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
      const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
      return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
    }
    throw new Error('expected the call to fail');
  }

  it('reads the default (disabled) settings', async () => {
    const oof = await ewsService(base, 'carol@parley.test', 'carol-demo-pw').GetUserOofSettings('carol@parley.test');
    expect(ews.OofState[oof.State]).toBe('Disabled');
    expect(ews.OofExternalAudience[oof.AllowExternalOof]).toBe('All');
  });

  // (ews-javascript-api does not escape '<' and '&' in reply text, so the test avoids them.)
  it('sets Enabled with internal and external replies and an external audience, and reads them back', async () => {
    const service = ewsService(base, ALICE, 'alice-demo-pw');
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.Known;
    settings.InternalReply = reply('Away — back Monday (née café)');
    settings.ExternalReply = reply('Out of office');
    await service.SetUserOofSettings(ALICE, settings);

    const read = await service.GetUserOofSettings(ALICE);
    expect(ews.OofState[read.State]).toBe('Enabled');
    expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('Known');
    expect(read.InternalReply.Message).toBe('Away — back Monday (née café)');
    expect(read.ExternalReply.Message).toBe('Out of office');
  });

  it('sets Scheduled with a window, then Disabled (the window is kept, as Exchange does)', async () => {
    const service = ewsService(base, ALICE, 'alice-demo-pw');
    const start = Date.UTC(2031, 6, 1, 8, 0, 0);
    const end = Date.UTC(2031, 6, 15, 17, 30, 0);
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Scheduled;
    settings.ExternalAudience = ews.OofExternalAudience.All;
    settings.Duration = new ews.TimeWindow(new ews.DateTime(start), new ews.DateTime(end));
    settings.InternalReply = reply('On holiday');
    settings.ExternalReply = reply('On holiday (external)');
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

  it('lets app@parley.test (ApplicationImpersonation) act as alice', async () => {
    const service = ewsService(base, 'app@parley.test', 'app-demo-pw');
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.None;
    settings.InternalReply = reply('Set by the app');
    settings.ExternalReply = reply('');
    await service.SetUserOofSettings(ALICE, settings);

    const read = await ewsService(base, ALICE, 'alice-demo-pw').GetUserOofSettings(ALICE);
    expect(read.InternalReply.Message).toBe('Set by the app');
    expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('None');
  });

  it('refuses impersonation by bob, who lacks the role', async () => {
    const service = ewsService(base, 'bob@parley.test', 'bob-demo-pw');
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorImpersonateUserDenied');
  });

  it('answers ErrorNonExistentMailbox when the app impersonates nobody', async () => {
    const service = ewsService(base, 'app@parley.test', 'app-demo-pw');
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, 'nobody@parley.test');
    expect((await errorOf(service.GetUserOofSettings('nobody@parley.test'))).code).toBe('ErrorNonExistentMailbox');
  });

  it("denies bob access to alice's settings without impersonation", async () => {
    const service = ewsService(base, 'bob@parley.test', 'bob-demo-pw');
    expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorAccessDenied');
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    expect((await errorOf(service.SetUserOofSettings(ALICE, settings))).code).toBe('ErrorAccessDenied');
  });

  it('rejects a wrong password with 401', async () => {
    const failure = await errorOf(ewsService(base, ALICE, 'wrong').GetUserOofSettings(ALICE));
    expect(failure.message).toMatch(/401/);
  });
});
