// A real EWS client (ews-javascript-api) drives tasks through the distributed deployment: the four
// services as separate processes over their own Kafka broker and a fresh PostgreSQL database, users
// created with the admin CLI (the app account granted ApplicationImpersonation). The same flows run
// against the embedded app in ews-tasks: created in the Tasks folder, paged with FindItems, bound,
// completed (status and percentage kept consistent), updated with a stale change key, deleted;
// impersonation and access rules.
import * as ews from 'ews-javascript-api';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';

const DUE = Date.UTC(2031, 3, 30, 0, 0, 0);

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

describe('EWS tasks with ews-javascript-api (four processes over Kafka)', () => {
  let deployment: KafkaDeployment;
  let ALICE: string;
  let BOB: string;
  let APP: string;

  beforeAll(async () => {
    deployment = await startKafkaDeployment({ prefix: 'e2e-ews-tasks', users: ['alice', 'bob', 'app'], impersonators: ['app'] });
    [ALICE, BOB, APP] = ['alice', 'bob', 'app'].map((user) => deployment.address(user));
  }, 240_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 120_000);

  const as = (address: string) => deployment.as(address);

  async function createTask(service: ews.ExchangeService, subject: string, extra: (t: ews.Task) => void = () => undefined): Promise<ews.Task> {
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

  it('creates tasks in the Tasks folder and pages them with FindItems + ItemView(2)', async () => {
    const alice = as(ALICE);
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
    const alice = as(ALICE);
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

  it('refuses an update with a stale change key under NeverOverwrite', async () => {
    const alice = as(ALICE);
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

  it('lets the app account (granted ApplicationImpersonation by the CLI) create in alice’s Tasks folder', async () => {
    const app = as(APP);
    app.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const task = await createTask(app, 'Booked by the app');

    expect((await ews.Task.Bind(as(ALICE), new ews.ItemId(task.Id.UniqueId))).Subject).toBe('Booked by the app');
    expect(await taskSubjects(as(ALICE))).toEqual(['Booked by the app']);
    // Nothing landed in the app account's own Tasks folder.
    expect(await taskSubjects(as(APP))).toEqual([]);
    // The id is bound to alice's mailbox: bob cannot read it.
    expect((await errorOf(ews.Task.Bind(as(BOB), new ews.ItemId(task.Id.UniqueId)))).code).toBe('ErrorItemNotFound');

    await task.Delete(ews.DeleteMode.HardDelete);
    expect(await taskSubjects(as(ALICE))).toEqual([]);
  });

  it('refuses bob, who lacks the role, by impersonation and by folder', async () => {
    const impersonating = as(BOB);
    impersonating.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const viaImpersonation = new ews.Task(impersonating);
    viaImpersonation.Subject = 'Not allowed (impersonation)';
    expect((await errorOf(viaImpersonation.Save(ews.WellKnownFolderName.Tasks))).code).toBe('ErrorImpersonateUserDenied');

    const viaFolder = new ews.Task(as(BOB));
    viaFolder.Subject = 'Not allowed (folder)';
    const denied = await errorOf(viaFolder.Save(new ews.FolderId(ews.WellKnownFolderName.Tasks, new ews.Mailbox(ALICE))));
    expect(denied.code).toBe('ErrorAccessDenied');

    expect(await taskSubjects(as(ALICE))).toEqual([]);
    expect(await taskSubjects(as(BOB))).toEqual([]);
  });
});
