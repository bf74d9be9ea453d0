// The calls a real EWS client (ews-javascript-api) makes first — folders, ConvertId, server time
// zones — against every deployment (see ews-deployment.ts). Item counts are asserted relative to
// what carol's folders held before (no other shared scenario writes carol's calendar or tasks),
// and the items made for them are deleted again, so the order of scenarios does not matter.
import * as ews from 'ews-javascript-api';
import { basic, soapRequest } from './ews-embedded';
import { errorOf, EwsDeployment, impersonating } from './ews-deployment';

/** Far from every other scenario's dates, so a left-over item could not disturb their views. */
const COUNTED_START = Date.UTC(2034, 5, 5, 9, 0, 0);
const HOUR = 3_600_000;

async function folderTotals(service: ews.ExchangeService): Promise<{ calendar: number; tasks: number; listed: Record<string, number> }> {
  const calendar = await ews.Folder.Bind(service, ews.WellKnownFolderName.Calendar);
  const tasks = await ews.Folder.Bind(service, ews.WellKnownFolderName.Tasks);
  const found = await service.FindFolders(ews.WellKnownFolderName.MsgFolderRoot, new ews.FolderView(100));
  return {
    calendar: calendar.TotalCount,
    tasks: tasks.TotalCount,
    listed: Object.fromEntries(found.Folders.map((f) => [f.DisplayName, f.TotalCount])),
  };
}

export function folderScenarios(deployment: () => EwsDeployment): void {
  describe('folders, ConvertId and time zones', () => {
    it('binds the calendar, inbox and the message folder root', async () => {
      const alice = deployment().client('alice');
      const calendar = await ews.Folder.Bind(alice, ews.WellKnownFolderName.Calendar);
      expect(calendar).toBeInstanceOf(ews.CalendarFolder);
      expect(calendar.DisplayName).toBe('Calendar');
      expect(calendar.FolderClass).toBe('IPF.Appointment');
      expect(calendar.TotalCount).toBeGreaterThanOrEqual(0);
      expect(calendar.ChildFolderCount).toBe(0);
      const inbox = await ews.Folder.Bind(alice, ews.WellKnownFolderName.Inbox);
      expect(inbox.DisplayName).toBe('Inbox');
      expect(inbox.UnreadCount).toBe(0);
      const top = await ews.Folder.Bind(alice, ews.WellKnownFolderName.MsgFolderRoot);
      expect(top.DisplayName).toBe('Top of Information Store');
      expect(top.ChildFolderCount).toBe(12);
      expect(inbox.ParentFolderId.UniqueId).toBe(top.Id.UniqueId);
      // The id given back resolves to the same folder, with a stable id and change key.
      const again = await ews.Folder.Bind(alice, new ews.FolderId(calendar.Id.UniqueId));
      expect(again.DisplayName).toBe('Calendar');
      expect(again.Id.ChangeKey).toBe(calendar.Id.ChangeKey);
    });

    it('lists the folders under the message folder root, contacts included', async () => {
      const alice = deployment().client('alice');
      const found = await alice.FindFolders(ews.WellKnownFolderName.MsgFolderRoot, new ews.FolderView(100));
      expect(found.TotalCount).toBe(12);
      expect(found.MoreAvailable).toBe(false);
      // (The client regroups the listing by element type, so compare as a set.)
      expect(found.Folders.map((f) => f.DisplayName).sort()).toEqual([
        'Calendar',
        'Contacts',
        'Conversation History',
        'Deleted Items',
        'Drafts',
        'Inbox',
        'Journal',
        'Junk Email',
        'Notes',
        'Outbox',
        'Sent Items',
        'Tasks',
      ]);
      expect(found.Folders.find((f) => f.DisplayName === 'Tasks')).toBeInstanceOf(ews.TasksFolder);
      expect(found.Folders.find((f) => f.DisplayName === 'Contacts')).toBeInstanceOf(ews.ContactsFolder);
      const deep = new ews.FolderView(100);
      deep.Traversal = ews.FolderTraversal.Deep;
      const all = await alice.FindFolders(ews.WellKnownFolderName.Root, deep);
      expect(all.Folders.find((f) => f.DisplayName === 'Voice Mail')).toBeInstanceOf(ews.SearchFolder);
    });

    it('applies a search filter to FindFolders', async () => {
      const alice = deployment().client('alice');
      const view = new ews.FolderView(10);
      const found = await alice.FindFolders(
        ews.WellKnownFolderName.MsgFolderRoot,
        new ews.SearchFilter.IsEqualTo(ews.FolderSchema.DisplayName, 'Calendar'),
        view,
      );
      expect(found.TotalCount).toBe(1);
      expect(found.Folders.map((f) => f.DisplayName)).toEqual(['Calendar']);
      expect(found.Folders[0]).toBeInstanceOf(ews.CalendarFolder);
      const notes = await alice.FindFolders(
        ews.WellKnownFolderName.MsgFolderRoot,
        new ews.SearchFilter.ContainsSubstring(ews.FolderSchema.DisplayName, 'items'),
        view,
      );
      expect(notes.Folders.map((f) => f.DisplayName).sort()).toEqual(['Deleted Items', 'Sent Items']);
      const unsupported = await errorOf(
        alice.FindFolders(ews.WellKnownFolderName.MsgFolderRoot, new ews.SearchFilter.IsEqualTo(ews.FolderSchema.TotalCount, 0), view),
      );
      expect(unsupported.code).toBe('ErrorUnsupportedPathForQuery');
    });

    it('counts the items of the calendar (a series once) and of the tasks folder', async () => {
      const carol = deployment().client('carol');
      const before = await folderTotals(carol);
      expect(before.listed['Calendar']).toBe(before.calendar);
      expect(before.listed['Tasks']).toBe(before.tasks);
      expect(before.listed['Inbox']).toBe(0);

      const series = new ews.Appointment(carol);
      series.Subject = 'Counted daily series';
      series.Start = new ews.DateTime(COUNTED_START);
      series.End = new ews.DateTime(COUNTED_START + HOUR);
      const pattern = new ews.Recurrence.DailyPattern();
      pattern.StartDate = new ews.DateTime(COUNTED_START);
      pattern.Interval = 1;
      pattern.NumberOfOccurrences = 5;
      series.Recurrence = pattern;
      await series.Save(ews.SendInvitationsMode.SendToNone);
      const task = new ews.Task(carol);
      task.Subject = 'Counted task';
      await task.Save(ews.WellKnownFolderName.Tasks);
      try {
        const after = await folderTotals(carol);
        expect([after.calendar, after.tasks]).toEqual([before.calendar + 1, before.tasks + 1]);
        expect([after.listed['Calendar'], after.listed['Tasks'], after.listed['Inbox']]).toEqual([
          before.calendar + 1,
          before.tasks + 1,
          0,
        ]);
      } finally {
        await series.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
        await task.Delete(ews.DeleteMode.HardDelete);
      }
      const cleaned = await folderTotals(carol);
      expect([cleaned.calendar, cleaned.tasks]).toEqual([before.calendar, before.tasks]);
    });

    it("keeps other users' folders out of reach, and lets an impersonating app in", async () => {
      const d = deployment();
      const BOB = d.address('bob');
      const bobsCalendar = new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(BOB));
      expect((await errorOf(ews.Folder.Bind(d.client('alice'), bobsCalendar))).code).toBe('ErrorAccessDenied');
      const bobsId = (await ews.Folder.Bind(d.client('bob'), ews.WellKnownFolderName.Calendar)).Id.UniqueId;
      expect((await errorOf(ews.Folder.Bind(d.client('alice'), new ews.FolderId(bobsId)))).code).toBe('ErrorFolderNotFound');

      const viaApp = await ews.Folder.Bind(impersonating(d.client('app'), BOB), bobsCalendar);
      expect(viaApp.Id.UniqueId).toBe(bobsId);
    });

    it('converts ids between formats and back, echoing the mailbox', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const alice = d.client('alice');
      const calendar = await ews.Folder.Bind(alice, ews.WellKnownFolderName.Calendar, ews.PropertySet.IdOnly);
      const source = new ews.AlternateId(ews.IdFormat.EwsId, calendar.Id.UniqueId, ALICE);
      const hex = (await alice.ConvertId(source, ews.IdFormat.HexEntryId)) as ews.AlternateId;
      expect(hex.Format).toBe(ews.IdFormat.HexEntryId);
      expect(hex.UniqueId).toMatch(/^[0-9A-F]+$/);
      expect(hex.Mailbox).toBe(ALICE);
      const back = (await alice.ConvertId(hex, ews.IdFormat.EwsId)) as ews.AlternateId;
      expect(back.UniqueId).toBe(calendar.Id.UniqueId);

      const results = await alice.ConvertIds([new ews.AlternateId(ews.IdFormat.HexEntryId, '00', ALICE), source], ews.IdFormat.OwaId);
      expect(ews.ServiceError[results.Responses[0].ErrorCode]).toBe('ErrorInvalidIdMalformed');
      expect(ews.ServiceResult[results.Responses[1].Result]).toBe('Success');
    });

    it('lists the server time zones with full definitions', async () => {
      const zones = await deployment().client('alice').GetServerTimeZones();
      expect(zones.length).toBeGreaterThan(100);
      const eastern = zones.find((z) => z.Id === 'Eastern Standard Time');
      expect(eastern?.DisplayName).toContain('(UTC-05:00)');
    });

    it('answers a raw GetFolder with the documented extended-property shape', async () => {
      const d = deployment();
      const response = await fetch(`${d.base}/EWS/Exchange.asmx`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', authorization: basic(d.address('alice'), d.password('alice')) },
        body: soapRequest(
          '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:ExtendedFieldURI PropertyTag="0x0e08" PropertyType="Integer"/></t:AdditionalProperties></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="tasks"/></m:FolderIds></m:GetFolder>',
        ),
      });
      const folder = await response.text();
      expect(response.status).toBe(200);
      expect(folder).toContain(
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:Value>IPF.Task</t:Value></t:ExtendedProperty>',
      );
      expect(folder).not.toContain('0x0e08');
      expect(folder).toContain('<t:ServerVersionInfo ');
    });
  });
}
