export * from './lib/availability';
export * from './lib/presence-sources';
export * from './lib/aggregate-presence';
export * from './lib/graph-presence';
export * from './lib/watcher-view';
export * from './lib/presence-publication';
