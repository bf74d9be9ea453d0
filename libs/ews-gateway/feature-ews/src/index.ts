// Public API of the EWS SOAP endpoint, and the gateway's core the other fronts use (role:core): the
// OOF port, and the calendar and message clients of the owning services (with the MAPI properties
// EWS derives for messages, voicemail's included).
export { EwsFeatureModule } from './lib/ews-feature.module';
export type { EwsEndpointOptions } from './lib/ews-options';
export type { EwsOperationContext, EwsOperationHandler } from './lib/ews-operation';
export { OofModule } from './lib/oof/oof.module';
export { OofClient } from './lib/oof/oof.client';
export { MailboxClientsModule, type MailboxClientsOptions } from './lib/mailbox-clients.module';
export { CalendarClient } from './lib/calendar/calendar.client';
export { MessageClient, type MessageContentRef } from './lib/messages/message.client';
export { messagePropertyValue } from './lib/messages/message-properties';
