export * from './lib/topics';
export * from './lib/envelope';
export * from './lib/oof';
export * from './lib/presence';
export * from './lib/calendar';
export * from './lib/tasks';
export * from './lib/folder-counts';
export * from './lib/move';
