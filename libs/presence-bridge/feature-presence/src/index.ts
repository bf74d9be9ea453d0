export * from './lib/presence.service';
export * from './lib/presence.consumer';
export * from './lib/presence-feature.module';
export * from './lib/presence-settings.service';
export * from './lib/presence-settings.exception';
export * from './lib/presence-ports';
