export * from './lib/windows-zones';
export * from './lib/zoned-time';
export * from './lib/recurrence-expansion';
