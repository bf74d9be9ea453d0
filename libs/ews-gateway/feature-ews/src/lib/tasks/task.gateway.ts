import { Injectable } from '@nestjs/common';
import {
  type DeleteTaskReply,
  deleteTaskReplySchema,
  type Disposal,
  type FindTasksReply,
  findTasksReplySchema,
  type FindTasksRequest,
  type MoveTaskRequest,
  type Reply,
  type TaskInput,
  type TaskView,
  taskViewSchema,
  Topics,
  type UpdateTaskRequest,
} from '@parley/contracts';
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

/** Tasks live in calendar-sync; the gateway reaches them by request/reply on the bus (replies checked by `CommandBus.request`). */
@Injectable()
export class TaskGateway {
  constructor(private readonly commands: CommandBus) {}

  async create(mailbox: string, task: TaskInput): Promise<TaskView> {
    return unwrap(await this.commands.request(Topics.calendarTaskCreateRequest, mailbox, { mailbox, task }, taskViewSchema));
  }

  async update(mailbox: string, update: TaskUpdate): Promise<TaskView> {
    return unwrap(await this.commands.request(Topics.calendarTaskUpdateRequest, mailbox, { mailbox, ...update }, taskViewSchema));
  }

  async delete(mailbox: string, itemId: string, disposal: Disposal = 'HardDelete'): Promise<DeleteTaskReply> {
    return unwrap(await this.commands.request(Topics.calendarTaskDeleteRequest, mailbox, { mailbox, itemId, disposal }, deleteTaskReplySchema));
  }

  async move(mailbox: string, itemId: string, to: MoveTaskRequest['to']): Promise<TaskView> {
    return unwrap(await this.commands.request(Topics.calendarTaskMoveRequest, mailbox, { mailbox, itemId, to }, taskViewSchema));
  }

  async get(mailbox: string, itemId: string): Promise<TaskView> {
    return unwrap(await this.commands.request(Topics.calendarTaskGetRequest, mailbox, { mailbox, itemId }, taskViewSchema));
  }

  async find(mailbox: string, page: Omit<FindTasksRequest, 'mailbox' | 'folder'> & Partial<Pick<FindTasksRequest, 'folder'>>): Promise<FindTasksReply> {
    return unwrap(await this.commands.request(Topics.calendarTaskFindRequest, mailbox, { mailbox, ...page }, findTasksReplySchema));
  }
}

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new TaskCommandRefused(reply.error.code, reply.error.message);
}
