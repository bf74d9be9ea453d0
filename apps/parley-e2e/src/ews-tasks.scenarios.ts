// Tasks as a user of a real EWS client sees them, against every deployment (see ews-deployment.ts):
// created in the Tasks folder, paged with FindItems (with a SearchFilter and an order too), bound, completed (status and percentage kept
// consistent), updated with a stale change key, deleted, moved to Deleted Items and back;
// impersonation and access rules. Each case leaves the Tasks folders it touches empty.
import * as ews from 'ews-javascript-api';
import { errorOf, EwsDeployment, impersonating } from './ews-deployment';

const DUE = Date.UTC(2031, 3, 30, 0, 0, 0);

async function createTask(
  service: ews.ExchangeService,
  subject: string,
  extra: (t: ews.Task) => void = () => undefined,
): Promise<ews.Task> {
  const task = new ews.Task(service);
  task.Subject = subject;
  extra(task);
  await task.Save(ews.WellKnownFolderName.Tasks);
  expect(task.Id.UniqueId).toBeTruthy();
  return task;
}

async function taskSubjects(service: ews.ExchangeService): Promise<string[]> {
  return (await service.FindItems(ews.WellKnownFolderName.Tasks, new ews.ItemView(50))).Items.map((i) => i.Subject);
}

export function taskScenarios(deployment: () => EwsDeployment): void {
  describe('tasks', () => {
    it('creates tasks in the Tasks folder and pages them with FindItems + ItemView(2)', async () => {
      const alice = deployment().client('alice');
      for (const subject of ['Task A', 'Task B', 'Task C']) await createTask(alice, subject);
      const subjects: string[] = [];
      let offset = 0;
      let pages = 0;
      for (;;) {
        const page = await alice.FindItems(ews.WellKnownFolderName.Tasks, new ews.ItemView(2, offset));
        pages++;
        expect(page.TotalCount).toBe(3);
        expect(page.Items.length).toBeLessThanOrEqual(2);
        subjects.push(...page.Items.map((i) => i.Subject));
        if (!page.MoreAvailable) break;
        offset = page.NextPageOffset as number;
      }
      expect(pages).toBe(2);
      expect(subjects).toEqual(['Task A', 'Task B', 'Task C']);

      const found = await alice.FindItems(ews.WellKnownFolderName.Tasks, new ews.ItemView(10));
      for (const item of found.Items) await item.Delete(ews.DeleteMode.HardDelete);
      expect((await alice.FindItems(ews.WellKnownFolderName.Tasks, new ews.ItemView(10))).TotalCount).toBe(0);
    });

    it('binds a task, completes it (100 %, IsComplete, a CompleteDate), and deletes it', async () => {
      const alice = deployment().client('alice');
      const created = await createTask(alice, 'File taxes', (t) => {
        t.Body = new ews.MessageBody(ews.BodyType.Text, 'Before the end of April');
        t.DueDate = new ews.DateTime(DUE);
        t.Importance = ews.Importance.High;
        t.PercentComplete = 40;
      });

      const bound = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
      expect(bound.Subject).toBe('File taxes');
      expect(bound.Body.Text).toBe('Before the end of April');
      expect(bound.DueDate.TotalMilliSeconds).toBe(DUE);
      expect(ews.Importance[bound.Importance]).toBe('High');
      expect(ews.TaskStatus[bound.Status]).toBe('InProgress');
      expect(bound.PercentComplete).toBe(40);
      expect(bound.IsComplete).toBe(false);

      bound.Status = ews.TaskStatus.Completed;
      await bound.Update(ews.ConflictResolutionMode.AutoResolve);
      const done = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
      expect(ews.TaskStatus[done.Status]).toBe('Completed');
      expect(done.PercentComplete).toBe(100);
      expect(done.IsComplete).toBe(true);
      expect(done.CompleteDate.TotalMilliSeconds).toBeGreaterThan(Date.now() - 3_600_000);
      expect(done.CompleteDate.TotalMilliSeconds).toBeLessThanOrEqual(Date.now() + 60_000);

      await done.Delete(ews.DeleteMode.HardDelete);
      expect((await errorOf(ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId)))).code).toBe('ErrorItemNotFound');
    });

    it('finds tasks with a SearchFilter, sorted by due date, paged over the filtered view', async () => {
      const alice = deployment().client('alice');
      const before = await taskSubjects(alice);
      const due = (day: number) => (t: ews.Task) => (t.DueDate = new ews.DateTime(Date.UTC(2031, 3, day)));
      const created = [
        await createTask(alice, 'Tax return', (t) => (due(10)(t), (t.Status = ews.TaskStatus.Completed))),
        await createTask(alice, 'Water plants', due(20)),
        await createTask(alice, 'Pay TAX bill', (t) => (due(30)(t), (t.Status = ews.TaskStatus.Completed))),
        await createTask(alice, 'Sort receipts', (t) => (t.Status = ews.TaskStatus.Completed)),
      ];
      const view = (size = 10, offset = 0) => {
        const v = new ews.ItemView(size, offset);
        v.OrderBy.Add(ews.TaskSchema.DueDate, ews.SortDirection.Descending);
        return v;
      };
      const completed = new ews.SearchFilter.IsEqualTo(ews.TaskSchema.Status, ews.TaskStatus.Completed);
      // A completed task without a due date sorts last when descending (missing sorts lowest).
      const done = await alice.FindItems(ews.WellKnownFolderName.Tasks, completed, view());
      expect([done.TotalCount, done.Items.map((i) => i.Subject)]).toEqual([3, ['Pay TAX bill', 'Tax return', 'Sort receipts']]);

      const tax = new ews.SearchFilter.ContainsSubstring(
        ews.ItemSchema.Subject,
        'tax',
        ews.ContainmentMode.Substring,
        ews.ComparisonMode.IgnoreCase,
      );
      const firstPage = await alice.FindItems(ews.WellKnownFolderName.Tasks, tax, view(1));
      expect([firstPage.TotalCount, firstPage.MoreAvailable, firstPage.Items.map((i) => i.Subject)]).toEqual([2, true, ['Pay TAX bill']]);
      const secondPage = await alice.FindItems(ews.WellKnownFolderName.Tasks, tax, view(1, firstPage.NextPageOffset as number));
      expect([secondPage.MoreAvailable, secondPage.Items.map((i) => i.Subject)]).toEqual([false, ['Tax return']]);

      const openAndDueLate = new ews.SearchFilter.SearchFilterCollection(ews.LogicalOperator.And, [
        new ews.SearchFilter.Not(completed),
        new ews.SearchFilter.IsGreaterThan(ews.TaskSchema.DueDate, new ews.DateTime(Date.UTC(2031, 3, 15))),
      ]);
      expect((await alice.FindItems(ews.WellKnownFolderName.Tasks, openAndDueLate, view())).Items.map((i) => i.Subject)).toEqual([
        'Water plants',
      ]);
      expect(
        (await errorOf(alice.FindItems(ews.WellKnownFolderName.Tasks, new ews.SearchFilter.IsEqualTo(ews.TaskSchema.Owner, 'x'), view())))
          .code,
      ).toBe('ErrorUnsupportedPathForQuery');

      for (const task of created) await task.Delete(ews.DeleteMode.HardDelete);
      expect(await taskSubjects(alice)).toEqual(before);
    });

    it('moves a task to Deleted Items and back to Tasks with Move; refuses the Calendar', async () => {
      const alice = deployment().client('alice');
      const task = await createTask(alice, 'Renew passport');
      await task.Delete(ews.DeleteMode.MoveToDeletedItems);
      expect(await taskSubjects(alice)).toEqual([]);
      const binned = await ews.Task.Bind(alice, new ews.ItemId(task.Id.UniqueId));
      expect((await errorOf(binned.Move(ews.WellKnownFolderName.Calendar))).code).toBe('ErrorMoveCopyFailed');

      const restored = await binned.Move(ews.WellKnownFolderName.Tasks);
      expect(await taskSubjects(alice)).toEqual(['Renew passport']);
      const tasksFolder = await ews.Folder.Bind(alice, ews.WellKnownFolderName.Tasks);
      expect((await ews.Task.Bind(alice, new ews.ItemId(restored.Id.UniqueId))).ParentFolderId.UniqueId).toBe(tasksFolder.Id.UniqueId);

      await restored.Delete(ews.DeleteMode.HardDelete);
      expect(await taskSubjects(alice)).toEqual([]);
    });

    it('refuses an update with a stale change key under NeverOverwrite', async () => {
      const alice = deployment().client('alice');
      const created = await createTask(alice, 'Review');
      const first = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
      const stale = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
      first.Subject = 'Design review';
      await first.Update(ews.ConflictResolutionMode.NeverOverwrite);
      stale.Subject = 'Stale review';
      expect((await errorOf(stale.Update(ews.ConflictResolutionMode.NeverOverwrite))).code).toBe('ErrorIrresolvableConflict');
      expect((await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId))).Subject).toBe('Design review');
      await first.Delete(ews.DeleteMode.HardDelete);
      expect(await taskSubjects(alice)).toEqual([]);
    });

    it('lets the app account (ApplicationImpersonation) create in alice’s Tasks folder; the task stays in her mailbox', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const task = await createTask(impersonating(d.client('app'), ALICE), 'Booked by the app');

      expect((await ews.Task.Bind(d.client('alice'), new ews.ItemId(task.Id.UniqueId))).Subject).toBe('Booked by the app');
      expect(await taskSubjects(d.client('alice'))).toEqual(['Booked by the app']);
      // Nothing landed in the app account's own Tasks folder.
      expect(await taskSubjects(d.client('app'))).toEqual([]);
      // The id is bound to alice's mailbox: bob cannot read it, nor save into her Tasks folder.
      expect((await errorOf(ews.Task.Bind(d.client('bob'), new ews.ItemId(task.Id.UniqueId)))).code).toBe('ErrorItemNotFound');
      const intruder = new ews.Task(d.client('bob'));
      intruder.Subject = 'Not allowed';
      const denied = await errorOf(intruder.Save(new ews.FolderId(ews.WellKnownFolderName.Tasks, new ews.Mailbox(ALICE))));
      expect(denied.code).toBe('ErrorAccessDenied');

      await task.Delete(ews.DeleteMode.HardDelete);
      expect(await taskSubjects(d.client('alice'))).toEqual([]);
    });

    it('refuses bob, who lacks the role, by impersonation and by folder', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const viaImpersonation = new ews.Task(impersonating(d.client('bob'), ALICE));
      viaImpersonation.Subject = 'Not allowed (impersonation)';
      expect((await errorOf(viaImpersonation.Save(ews.WellKnownFolderName.Tasks))).code).toBe('ErrorImpersonateUserDenied');

      const viaFolder = new ews.Task(d.client('bob'));
      viaFolder.Subject = 'Not allowed (folder)';
      const denied = await errorOf(viaFolder.Save(new ews.FolderId(ews.WellKnownFolderName.Tasks, new ews.Mailbox(ALICE))));
      expect(denied.code).toBe('ErrorAccessDenied');

      expect(await taskSubjects(d.client('alice'))).toEqual([]);
      expect(await taskSubjects(d.client('bob'))).toEqual([]);
    });
  });
}
