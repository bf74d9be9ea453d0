import { Injectable } from '@nestjs/common';
import { type DeleteTaskReply, type FindTasksReply, type FindTasksRequest, type Reply, type TaskInput, type TaskView, Topics, type UpdateTaskRequest } from '@parley/contracts';
import { CommandBus } from '@parley/messaging';

/** calendar-sync refused a task command (its reply carried an error code, e.g. `ItemNotFound`). */
export class TaskCommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskCommandRefused';
  }
}

export type TaskUpdate = Omit<UpdateTaskRequest, 'mailbox' | 'conflictResolution' | 'set' | 'delete'> & Partial<Pick<UpdateTaskRequest, 'conflictResolution' | 'set' | 'delete'>>;

/** Tasks live in calendar-sync; the gateway reaches them by request/reply on the bus. */
@Injectable()
export class TaskGateway {
  constructor(private readonly commands: CommandBus) {}

  async create(mailbox: string, task: TaskInput): Promise<TaskView> {
    return unwrap(await this.commands.request<TaskView>(Topics.calendarTaskCreateRequest, mailbox, { mailbox, task }));
  }

  async update(mailbox: string, update: TaskUpdate): Promise<TaskView> {
    return unwrap(await this.commands.request<TaskView>(Topics.calendarTaskUpdateRequest, mailbox, { mailbox, ...update }));
  }

  async delete(mailbox: string, itemId: string): Promise<DeleteTaskReply> {
    return unwrap(await this.commands.request<DeleteTaskReply>(Topics.calendarTaskDeleteRequest, mailbox, { mailbox, itemId }));
  }

  async get(mailbox: string, itemId: string): Promise<TaskView> {
    return unwrap(await this.commands.request<TaskView>(Topics.calendarTaskGetRequest, mailbox, { mailbox, itemId }));
  }

  async find(mailbox: string, page: Omit<FindTasksRequest, 'mailbox'>): Promise<FindTasksReply> {
    return unwrap(await this.commands.request<FindTasksReply>(Topics.calendarTaskFindRequest, mailbox, { mailbox, ...page }));
  }
}

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new TaskCommandRefused(reply.error.code, reply.error.message);
}
