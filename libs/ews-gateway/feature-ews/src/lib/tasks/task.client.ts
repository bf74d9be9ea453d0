import { Injectable } from '@nestjs/common';
import {
  type DeleteTaskReply,
  deleteTaskReplySchema,
  type Disposal,
  type FindTasksReply,
  findTasksReplySchema,
  type FindTasksRequest,
  type MoveTaskRequest,
  type TaskInput,
  type TaskView,
  taskViewSchema,
  Topics,
  type UpdateTaskRequest,
} from '@parley/contracts';
import { CommandBus } from '@parley/messaging';

export type TaskUpdate = Omit<UpdateTaskRequest, 'mailbox' | 'conflictResolution' | 'set' | 'delete'> &
  Partial<Pick<UpdateTaskRequest, 'conflictResolution' | 'set' | 'delete'>>;

/**
 * Tasks live in calendar-sync; the gateway reaches them by request/reply on the bus. Replies are
 * checked by `CommandBus.request`; a refusal is `CommandRefusedError` (see `taskErrorMessage`).
 */
@Injectable()
export class TaskClient {
  constructor(private readonly commands: CommandBus) {}

  async create(mailbox: string, task: TaskInput): Promise<TaskView> {
    return this.commands.request(Topics.calendarTaskCreateRequest, mailbox, { mailbox, task }, taskViewSchema);
  }

  async update(mailbox: string, update: TaskUpdate): Promise<TaskView> {
    return this.commands.request(Topics.calendarTaskUpdateRequest, mailbox, { mailbox, ...update }, taskViewSchema);
  }

  async delete(mailbox: string, itemId: string, disposal: Disposal = 'HardDelete'): Promise<DeleteTaskReply> {
    return this.commands.request(Topics.calendarTaskDeleteRequest, mailbox, { mailbox, itemId, disposal }, deleteTaskReplySchema);
  }

  async move(mailbox: string, itemId: string, to: MoveTaskRequest['to']): Promise<TaskView> {
    return this.commands.request(Topics.calendarTaskMoveRequest, mailbox, { mailbox, itemId, to }, taskViewSchema);
  }

  async get(mailbox: string, itemId: string): Promise<TaskView> {
    return this.commands.request(Topics.calendarTaskGetRequest, mailbox, { mailbox, itemId }, taskViewSchema);
  }

  async find(
    mailbox: string,
    page: Omit<FindTasksRequest, 'mailbox' | 'folder'> & Partial<Pick<FindTasksRequest, 'folder'>>,
  ): Promise<FindTasksReply> {
    return this.commands.request(Topics.calendarTaskFindRequest, mailbox, { mailbox, ...page }, findTasksReplySchema);
  }
}
