// A real EWS client (ews-javascript-api) against the embedded app: tasks as a user of the client
// sees them — created in the Tasks folder, paged with FindItems, bound, completed (status and
// percentage kept consistent), updated with a stale change key, deleted; access rules.
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';

const ALICE = 'alice@parley.test';
const DUE = Date.UTC(2031, 3, 30, 0, 0, 0);

async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
    const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
    return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
  }
  throw new Error('expected the call to fail');
}

describe('EWS tasks with ews-javascript-api (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;
  let alice: ews.ExchangeService;

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley());
    alice = ewsService(base, ALICE, 'alice-demo-pw');
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function createTask(service: ews.ExchangeService, subject: string, extra: (t: ews.Task) => void = () => undefined): Promise<ews.Task> {
    const task = new ews.Task(service);
    task.Subject = subject;
    extra(task);
    await task.Save(ews.WellKnownFolderName.Tasks);
    expect(task.Id.UniqueId).toBeTruthy();
    return task;
  }

  it('creates tasks in the Tasks folder and pages them with FindItems', async () => {
    for (const subject of ['Task A', 'Task B', 'Task C']) await createTask(alice, subject);
    const subjects: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const view = new ews.ItemView(2, offset);
      const page = await alice.FindItems(ews.WellKnownFolderName.Tasks, view);
      pages++;
      expect(page.TotalCount).toBe(3);
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

    await done.Delete(ews.DeleteMode.HardDelete);
    expect((await errorOf(ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId)))).code).toBe('ErrorItemNotFound');
  });

  it('refuses an update with a stale change key under NeverOverwrite', async () => {
    const created = await createTask(alice, 'Review');
    const first = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
    const second = await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId));
    first.Subject = 'Design review';
    await first.Update(ews.ConflictResolutionMode.NeverOverwrite);
    second.Subject = 'Stale review';
    expect((await errorOf(second.Update(ews.ConflictResolutionMode.NeverOverwrite))).code).toBe('ErrorIrresolvableConflict');
    expect((await ews.Task.Bind(alice, new ews.ItemId(created.Id.UniqueId))).Subject).toBe('Design review');
    await first.Delete(ews.DeleteMode.HardDelete);
  });

  it('keeps tasks in their mailbox: impersonation reaches them, another user does not', async () => {
    const app = ewsService(base, 'app@parley.test', 'app-demo-pw');
    app.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const task = await createTask(app, 'Booked by the app');
    expect((await ews.Task.Bind(alice, new ews.ItemId(task.Id.UniqueId))).Subject).toBe('Booked by the app');

    const bob = ewsService(base, 'bob@parley.test', 'bob-demo-pw');
    expect((await errorOf(ews.Task.Bind(bob, new ews.ItemId(task.Id.UniqueId)))).code).toBe('ErrorItemNotFound');
    const intruder = new ews.Task(bob);
    intruder.Subject = 'Not allowed';
    const denied = await errorOf(intruder.Save(new ews.FolderId(ews.WellKnownFolderName.Tasks, new ews.Mailbox(ALICE))));
    expect(denied.code).toBe('ErrorAccessDenied');
    await task.Delete(ews.DeleteMode.HardDelete);
  });
});
