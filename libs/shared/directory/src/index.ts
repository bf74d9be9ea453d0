export * from './lib/password';
export * from './lib/mailbox-user.entity';
export * from './lib/directory-init.migration';
export * from './lib/directory.repository';
export * from './lib/demo-users';
export * from './lib/directory.module';
