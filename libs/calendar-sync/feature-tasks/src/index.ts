export * from './lib/task-id';
export * from './lib/task.exception';
export * from './lib/task.service';
export * from './lib/task.consumer';
export * from './lib/tasks-feature.module';
