import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  createTaskRequestSchema,
  DeleteTaskReply,
  deleteTaskRequestSchema,
  FindTasksReply,
  findTasksRequestSchema,
  getTaskRequestSchema,
  moveTaskRequestSchema,
  Reply,
  TaskView,
  Topics,
  updateTaskRequestSchema,
} from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { TaskService } from './task.service';

/** Bus handlers for task commands: validate, call the service, reply. */
@Controller()
export class TaskConsumer {
  constructor(
    private readonly tasks: TaskService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.calendarTaskCreateRequest)
  create(@Payload() raw: unknown): Promise<Reply<TaskView>> {
    return this.consumer.command(Topics.calendarTaskCreateRequest, raw, createTaskRequestSchema, (cmd) =>
      replyWith(() => this.tasks.create(cmd.id, cmd.payload.mailbox, cmd.payload.task)),
    );
  }

  @MessagePattern(Topics.calendarTaskUpdateRequest)
  update(@Payload() raw: unknown): Promise<Reply<TaskView>> {
    return this.consumer.command(Topics.calendarTaskUpdateRequest, raw, updateTaskRequestSchema, (cmd) =>
      replyWith(() => this.tasks.update(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarTaskDeleteRequest)
  delete(@Payload() raw: unknown): Promise<Reply<DeleteTaskReply>> {
    return this.consumer.command(Topics.calendarTaskDeleteRequest, raw, deleteTaskRequestSchema, (cmd) =>
      replyWith(() => this.tasks.delete(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarTaskMoveRequest)
  move(@Payload() raw: unknown): Promise<Reply<TaskView>> {
    return this.consumer.command(Topics.calendarTaskMoveRequest, raw, moveTaskRequestSchema, (cmd) =>
      replyWith(() => this.tasks.move(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarTaskGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<TaskView>> {
    return this.consumer.command(Topics.calendarTaskGetRequest, raw, getTaskRequestSchema, (q) =>
      replyWith(() => this.tasks.get(q.payload)),
    );
  }

  @MessagePattern(Topics.calendarTaskFindRequest)
  find(@Payload() raw: unknown): Promise<Reply<FindTasksReply>> {
    return this.consumer.command(Topics.calendarTaskFindRequest, raw, findTasksRequestSchema, (q) =>
      replyWith(() => this.tasks.find(q.payload)),
    );
  }
}
