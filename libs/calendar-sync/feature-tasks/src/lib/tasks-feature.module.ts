import { Module } from '@nestjs/common';
import { TaskConsumer } from './task.consumer';
import { TaskService } from './task.service';

/** Tasks (the EWS Tasks folder): commands from the gateway, `calendar.task.changed` events. */
@Module({
  controllers: [TaskConsumer],
  providers: [TaskService],
  exports: [TaskService],
})
export class TasksFeatureModule {}
