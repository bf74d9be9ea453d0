export { SmtpModule, SmtpFrontLifecycle } from './lib/smtp.module';
export { SmtpFront } from './lib/smtp-front';
export type { SmtpListenerKind } from './lib/smtp-listener';
export { SendAsPolicy } from './lib/send-as.policy';
