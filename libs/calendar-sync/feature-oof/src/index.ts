export * from './lib/oof.service';
export * from './lib/oof.consumer';
export * from './lib/oof-feature.module';
