// SyncFolderHierarchy and SyncFolderItems as a real client (ews-javascript-api) uses them, against
// every deployment: a first sync lists the folder (paged by MaxChangesReturned, IncludesLastItemInRange
// false until the end), later syncs bring what changed since — new deliveries, read-flag updates,
// deletions in the Inbox; appointments and tasks created, updated and deleted — Ignore leaves items
// out, and a state the client edited is refused. The suites before this one leave items in these
// folders, so each case checks its own items among whatever a full sync lists.
import * as ews from 'ews-javascript-api';
import { randomUUID } from 'node:crypto';
import { errorOf, EwsDeployment } from './ews-deployment';
import { submitMail } from './ews-notifications.scenarios';

type Kind = 'Create' | 'Update' | 'Delete' | 'ReadFlagChange';

interface SeenChange {
  readonly kind: Kind;
  readonly id: string;
  readonly subject?: string;
}

interface SyncRound {
  readonly changes: SeenChange[];
  readonly syncState: string;
  readonly includesLast: boolean;
}

const firstClassProperties = () => new ews.PropertySet(ews.BasePropertySet.FirstClassProperties);

async function syncOnce(
  service: ews.ExchangeService,
  folder: ews.WellKnownFolderName,
  syncState: string | null,
  maxChanges: number,
  ignore: ews.ItemId[] = [],
): Promise<SyncRound> {
  const result = await service.SyncFolderItems(
    new ews.FolderId(folder),
    firstClassProperties(),
    ignore,
    maxChanges,
    ews.SyncFolderItemsScope.NormalItems,
    syncState as unknown as string,
  );
  const changes = result.GetEnumerator().map((change): SeenChange => ({
    kind: ews.ChangeType[change.ChangeType] as Kind,
    id: change.ItemId.UniqueId,
    subject: change.Item ? change.Item.Subject : undefined,
  }));
  return { changes, syncState: result.SyncState, includesLast: !result.MoreChangesAvailable };
}

/** Syncs until IncludesLastItemInRange, collecting every round's changes. */
async function syncToEnd(
  service: ews.ExchangeService,
  folder: ews.WellKnownFolderName,
  syncState: string | null,
  maxChanges = 512,
): Promise<{ rounds: SyncRound[]; changes: SeenChange[]; syncState: string }> {
  const rounds: SyncRound[] = [];
  let state = syncState;
  for (let i = 0; i < 1_000; i++) {
    const round = await syncOnce(service, folder, state, maxChanges);
    rounds.push(round);
    state = round.syncState;
    if (round.includesLast) return { rounds, changes: rounds.flatMap((r) => r.changes), syncState: round.syncState };
  }
  throw new Error('the sync never reached IncludesLastItemInRange');
}

/** Syncs from `syncState` until the collected changes satisfy `accept` (the owners' change events reach the journal asynchronously). */
async function syncUntil(
  service: ews.ExchangeService,
  folder: ews.WellKnownFolderName,
  syncState: string,
  accept: (changes: SeenChange[]) => boolean,
  deadlineMs = 5_000,
): Promise<{ changes: SeenChange[]; syncState: string }> {
  const started = Date.now();
  const changes: SeenChange[] = [];
  let state = syncState;
  for (;;) {
    const round = await syncToEnd(service, folder, state);
    changes.push(...round.changes);
    state = round.syncState;
    if (accept(changes)) return { changes, syncState: state };
    if (Date.now() - started > deadlineMs) throw new Error(`changes seen: ${JSON.stringify(changes)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const kindsOf = (changes: SeenChange[], id: string) => changes.filter((c) => c.id === id).map((c) => c.kind);
/** The changes of one item (other suites' deliveries may still be arriving in the same folder). */
const changesOf = (changes: SeenChange[], id: string) => changes.filter((c) => c.id === id);

/** Finds the Inbox message with `subject` (delivery is asynchronous), polling FindItem. */
async function inboxMessage(service: ews.ExchangeService, subject: string): Promise<ews.Item> {
  const started = Date.now();
  for (;;) {
    const found = await service.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(200));
    const item = found.Items.find((i) => i.Subject === subject);
    if (item) return item;
    if (Date.now() - started > 5_000) throw new Error(`no message '${subject}' in the Inbox`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function syncScenarios(deployment: () => EwsDeployment): void {
  describe('sync', () => {
    it('SyncFolderHierarchy lists every folder once, then has no changes', async () => {
      const alice = deployment().client('alice');
      const first = await alice.SyncFolderHierarchy(
        new ews.PropertySet(ews.BasePropertySet.FirstClassProperties),
        null as unknown as string,
      );
      const created = first.GetEnumerator();
      expect(created.every((c) => c.ChangeType === ews.ChangeType.Create)).toBe(true);
      const names = created.map((c) => c.Folder.DisplayName);
      expect(names).toEqual(expect.arrayContaining(['Inbox', 'Calendar', 'Tasks', 'Deleted Items', 'Sent Items', 'Drafts']));
      expect(first.MoreChangesAvailable).toBe(false);
      const inbox = created.find((c) => c.Folder.DisplayName === 'Inbox') as ews.FolderChange;
      expect(inbox.FolderId.UniqueId).toBe((await ews.Folder.Bind(alice, ews.WellKnownFolderName.Inbox)).Id.UniqueId);

      const again = await alice.SyncFolderHierarchy(new ews.PropertySet(ews.BasePropertySet.IdOnly), first.SyncState);
      expect(again.Count).toBe(0);
      expect(again.MoreChangesAvailable).toBe(false);

      // Under the top of the information store only: its descendants, not the root's search folders.
      const ipm = await alice.SyncFolderHierarchy(
        new ews.FolderId(ews.WellKnownFolderName.MsgFolderRoot),
        new ews.PropertySet(ews.BasePropertySet.IdOnly, [ews.FolderSchema.DisplayName]),
        null as unknown as string,
      );
      const ipmNames = ipm.GetEnumerator().map((c) => c.Folder.DisplayName);
      expect(ipmNames).toContain('Inbox');
      expect(ipmNames).not.toContain('Voice Mail');
      expect((await errorOf(alice.SyncFolderHierarchy(new ews.PropertySet(ews.BasePropertySet.IdOnly), ipm.SyncState))).code).toBe(
        'ErrorInvalidSyncStateData',
      );
    });

    it('SyncFolderItems lists the Inbox from an empty state one change at a time, then brings a delivery, a read-flag update and a delete', async () => {
      const d = deployment();
      const carol = d.client('carol');
      const subjects = [`Sync A ${randomUUID()}`, `Sync B ${randomUUID()}`];
      for (const subject of subjects) await submitMail(d, 'bob', d.address('carol'), subject);
      await inboxMessage(carol, subjects[1]);

      const initial = await syncToEnd(carol, ews.WellKnownFolderName.Inbox, null, 1);
      expect(initial.changes.length).toBeGreaterThanOrEqual(subjects.length);
      expect(initial.rounds.every((r) => r.changes.length <= 1)).toBe(true);
      expect(initial.rounds.slice(0, -1).every((r) => !r.includesLast)).toBe(true);
      expect(initial.changes.every((c) => c.kind === 'Create')).toBe(true);
      const listed = initial.changes.map((c) => c.subject);
      expect(listed).toEqual(expect.arrayContaining(subjects));
      // A message stored just before the listing may come again as a Create from the journal, which
      // hears of it a moment after the store (docs/ews-gateway.md, "What a client may see twice"):
      // clients take Creates as upserts. Every id listed is one of the Inbox's messages, each once in the listing proper.
      expect(new Set(initial.changes.map((c) => c.id)).size).toBeGreaterThanOrEqual(subjects.length);

      // Nothing happened since: an empty round that keeps IncludesLastItemInRange.
      const quiet = await syncOnce(carol, ews.WellKnownFolderName.Inbox, initial.syncState, 10);
      expect(quiet).toMatchObject({ changes: [], includesLast: true });

      const third = `Sync C ${randomUUID()}`;
      await submitMail(d, 'bob', d.address('carol'), third);
      const delivered = await syncUntil(carol, ews.WellKnownFolderName.Inbox, quiet.syncState, (seen) =>
        seen.some((c) => c.subject === third),
      );
      expect(delivered.changes.find((c) => c.subject === third)?.kind).toBe('Create');

      const first = await inboxMessage(carol, subjects[0]);
      const message = await ews.EmailMessage.Bind(carol, first.Id);
      message.IsRead = true;
      await message.Update(ews.ConflictResolutionMode.AlwaysOverwrite);
      const read = await syncUntil(carol, ews.WellKnownFolderName.Inbox, delivered.syncState, (seen) =>
        seen.some((c) => c.id === first.Id.UniqueId),
      );
      expect(kindsOf(read.changes, first.Id.UniqueId)).toEqual(['Update']);

      const second = await inboxMessage(carol, subjects[1]);
      await second.Delete(ews.DeleteMode.HardDelete);
      const deleted = await syncUntil(carol, ews.WellKnownFolderName.Inbox, read.syncState, (seen) =>
        seen.some((c) => c.id === second.Id.UniqueId),
      );
      expect(changesOf(deleted.changes, second.Id.UniqueId)).toEqual([{ kind: 'Delete', id: second.Id.UniqueId, subject: undefined }]);
    });

    it('SyncFolderItems on the Calendar and Tasks brings items created, updated and deleted', async () => {
      const bob = deployment().client('bob');
      const calendar = await syncToEnd(bob, ews.WellKnownFolderName.Calendar, null, 50);
      const tasks = await syncToEnd(bob, ews.WellKnownFolderName.Tasks, null, 50);

      const subject = `Sync meeting ${randomUUID()}`;
      const meeting = new ews.Appointment(bob);
      meeting.Subject = subject;
      meeting.Start = new ews.DateTime(Date.UTC(2032, 1, 3, 9));
      meeting.End = new ews.DateTime(Date.UTC(2032, 1, 3, 10));
      await meeting.Save(ews.SendInvitationsMode.SendToNone);
      const task = new ews.Task(bob);
      task.Subject = `Sync task ${randomUUID()}`;
      await task.Save(ews.WellKnownFolderName.Tasks);
      const created = await syncUntil(bob, ews.WellKnownFolderName.Calendar, calendar.syncState, (seen) =>
        seen.some((c) => c.id === meeting.Id.UniqueId),
      );
      expect(changesOf(created.changes, meeting.Id.UniqueId)).toEqual([{ kind: 'Create', id: meeting.Id.UniqueId, subject }]);
      const taskCreated = await syncUntil(bob, ews.WellKnownFolderName.Tasks, tasks.syncState, (seen) =>
        seen.some((c) => c.id === task.Id.UniqueId),
      );
      expect(changesOf(taskCreated.changes, task.Id.UniqueId)).toEqual([{ kind: 'Create', id: task.Id.UniqueId, subject: task.Subject }]);

      meeting.Subject = `${subject} (moved)`;
      await meeting.Update(ews.ConflictResolutionMode.AlwaysOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone);
      task.Subject = `${task.Subject} (done)`;
      await task.Update(ews.ConflictResolutionMode.AlwaysOverwrite);
      const updated = await syncUntil(bob, ews.WellKnownFolderName.Calendar, created.syncState, (seen) =>
        seen.some((c) => c.id === meeting.Id.UniqueId),
      );
      expect(changesOf(updated.changes, meeting.Id.UniqueId)).toEqual([
        { kind: 'Update', id: meeting.Id.UniqueId, subject: `${subject} (moved)` },
      ]);
      const taskUpdated = await syncUntil(bob, ews.WellKnownFolderName.Tasks, taskCreated.syncState, (seen) =>
        seen.some((c) => c.id === task.Id.UniqueId),
      );
      expect(changesOf(taskUpdated.changes, task.Id.UniqueId)).toEqual([{ kind: 'Update', id: task.Id.UniqueId, subject: task.Subject }]);

      // A soft delete moves the meeting to Deleted Items: out of the Calendar all the same.
      await meeting.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToNone);
      await task.Delete(ews.DeleteMode.HardDelete);
      const deleted = await syncUntil(bob, ews.WellKnownFolderName.Calendar, updated.syncState, (seen) =>
        seen.some((c) => c.id === meeting.Id.UniqueId),
      );
      expect(changesOf(deleted.changes, meeting.Id.UniqueId)).toEqual([{ kind: 'Delete', id: meeting.Id.UniqueId, subject: undefined }]);
      const taskDeleted = await syncUntil(bob, ews.WellKnownFolderName.Tasks, taskUpdated.syncState, (seen) =>
        seen.some((c) => c.id === task.Id.UniqueId),
      );
      expect(changesOf(taskDeleted.changes, task.Id.UniqueId)).toEqual([{ kind: 'Delete', id: task.Id.UniqueId, subject: undefined }]);

      // A first sync after all that lists neither.
      const fresh = await syncToEnd(bob, ews.WellKnownFolderName.Calendar, null);
      expect(fresh.changes.map((c) => c.id)).not.toContain(meeting.Id.UniqueId);
    });

    it('SyncFolderItems leaves the Ignore ids out, and refuses a state the client changed', async () => {
      const d = deployment();
      const bob = d.client('bob');
      const start = await syncToEnd(bob, ews.WellKnownFolderName.Tasks, null);
      const kept = new ews.Task(bob);
      kept.Subject = `Kept ${randomUUID()}`;
      await kept.Save(ews.WellKnownFolderName.Tasks);
      const ignored = new ews.Task(bob);
      ignored.Subject = `Ignored ${randomUUID()}`;
      await ignored.Save(ews.WellKnownFolderName.Tasks);

      // Both in a first sync without Ignore; the ignored one left out with it (listing and journal alike).
      const listing = await syncToEnd(bob, ews.WellKnownFolderName.Tasks, null);
      expect(listing.changes.map((c) => c.id)).toEqual(expect.arrayContaining([kept.Id.UniqueId, ignored.Id.UniqueId]));
      const round = await syncOnce(bob, ews.WellKnownFolderName.Tasks, null, 512, [ignored.Id]);
      expect(round.changes.map((c) => c.id)).toContain(kept.Id.UniqueId);
      expect(round.changes.map((c) => c.id)).not.toContain(ignored.Id.UniqueId);
      const later = await syncUntil(bob, ews.WellKnownFolderName.Tasks, start.syncState, (seen) =>
        [kept, ignored].every((task) => seen.some((c) => c.id === task.Id.UniqueId)),
      );
      expect(later.changes.map((c) => c.id)).toContain(ignored.Id.UniqueId);
      const withIgnore = await syncOnce(bob, ews.WellKnownFolderName.Tasks, start.syncState, 512, [ignored.Id]);
      expect(withIgnore.changes.map((c) => c.id)).toContain(kept.Id.UniqueId);
      expect(withIgnore.changes.map((c) => c.id)).not.toContain(ignored.Id.UniqueId);

      // One bit flipped in the state's sequence: the signature no longer matches.
      const bytes = Buffer.from(later.syncState, 'base64');
      bytes[9] ^= 1;
      const tampered = await errorOf(syncOnce(bob, ews.WellKnownFolderName.Tasks, bytes.toString('base64'), 10));
      expect(tampered.code).toBe('ErrorInvalidSyncStateData');
      // Nor is a Tasks state good for the Inbox.
      expect((await errorOf(syncOnce(bob, ews.WellKnownFolderName.Inbox, later.syncState, 10))).code).toBe('ErrorInvalidSyncStateData');

      await kept.Delete(ews.DeleteMode.HardDelete);
      await ignored.Delete(ews.DeleteMode.HardDelete);
    });
  });
}
