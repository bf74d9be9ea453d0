import { Topic, Topics } from './topics';

/** The services that meet on the bus (each runs alone or inside the embedded process). */
export type ServiceName = 'ews-gateway' | 'calendar-sync' | 'presence-bridge' | 'voicemail-ingest';

/**
 * Who is on each end of a topic. An event's producer publishes it through its own outbox; a
 * command's producer sends it and its one consumer, the owner, answers on the reply topic.
 */
export interface TopicRoute {
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
  /**
   * For an event no service consumes yet: the later work that will. It is published already so the
   * producer's side is tested and the history exists when that consumer arrives.
   */
  readonly consumedLater?: string;
}

const gatewayAsksCalendarSync: TopicRoute = { producers: ['ews-gateway'], consumers: ['calendar-sync'] };
const gatewayAsksMessageStore: TopicRoute = { producers: ['ews-gateway'], consumers: ['voicemail-ingest'] };

/**
 * Every topic's route, checked against the code by `tools/topic-routes.spec.ts` (the services'
 * `publish` / `request` calls and `@EventPattern` / `@MessagePattern` handlers). A new topic is a
 * type error here until its route is written down.
 */
export const TopicRoutes: { readonly [T in Topic]: TopicRoute } = {
  [Topics.oofSetRequest]: gatewayAsksCalendarSync,
  [Topics.oofGetRequest]: gatewayAsksCalendarSync,
  // The gateway's OOF read model (presence follows the effective state below instead).
  [Topics.oofChanged]: { producers: ['calendar-sync'], consumers: ['ews-gateway'] },
  // Every presence-bridge replica reads it for the watchers connected to it (REPLICA_FEED_TOPICS).
  [Topics.presenceChanged]: { producers: ['presence-bridge'], consumers: ['presence-bridge'] },
  [Topics.calendarItemCreateRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemUpdateRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemDeleteRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemRespondRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemGetRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemFindRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemFindDeletedRequest]: gatewayAsksCalendarSync,
  [Topics.calendarItemMoveRequest]: gatewayAsksCalendarSync,
  [Topics.calendarFreeBusyGetRequest]: gatewayAsksCalendarSync,
  // The gateway's free/busy cache drops the answers a change covers.
  [Topics.calendarWorkingHoursChanged]: { producers: ['calendar-sync'], consumers: ['ews-gateway'] },
  [Topics.calendarItemChanged]: { producers: ['calendar-sync'], consumers: ['ews-gateway'] },
  [Topics.calendarTaskCreateRequest]: gatewayAsksCalendarSync,
  [Topics.calendarTaskUpdateRequest]: gatewayAsksCalendarSync,
  [Topics.calendarTaskDeleteRequest]: gatewayAsksCalendarSync,
  [Topics.calendarTaskGetRequest]: gatewayAsksCalendarSync,
  [Topics.calendarTaskFindRequest]: gatewayAsksCalendarSync,
  [Topics.calendarTaskMoveRequest]: gatewayAsksCalendarSync,
  // The gateway's mailbox event journal (EWS notifications) takes every item change of the owners.
  [Topics.calendarTaskChanged]: { producers: ['calendar-sync'], consumers: ['ews-gateway'] },
  [Topics.calendarFolderCountsGetRequest]: gatewayAsksCalendarSync,
  // calendar-sync's due-queue: the effective OOF and calendar state as time passes (voicemail-ingest: the OOF auto-replies).
  [Topics.oofEffectiveChanged]: { producers: ['calendar-sync'], consumers: ['presence-bridge', 'voicemail-ingest'] },
  [Topics.calendarPresenceStateChanged]: { producers: ['calendar-sync'], consumers: ['presence-bridge'] },
  // IMs between presence-bridge replicas: the recipient's replicas deliver, the delivering one answers the sender's.
  [Topics.imDelivery]: { producers: ['presence-bridge'], consumers: ['presence-bridge'] },
  [Topics.imReceipt]: { producers: ['presence-bridge'], consumers: ['presence-bridge'] },
  // A finished IM conversation: voicemail-ingest files it in the participant's Conversation History (and Inbox, if missed).
  [Topics.imConversationEnded]: { producers: ['presence-bridge'], consumers: ['voicemail-ingest'] },
  // The mailbox message store (voicemail-ingest) answers the gateway's message operations.
  [Topics.mailboxMessageFindRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageGetRequest]: gatewayAsksMessageStore,
  [Topics.mailboxContentReadRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageUpdateRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageDeleteRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageMoveRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMarkAllReadRequest]: gatewayAsksMessageStore,
  [Topics.mailboxCountsGetRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageCreateRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageSendRequest]: gatewayAsksMessageStore,
  [Topics.mailboxMessageChanged]: { producers: ['voicemail-ingest'], consumers: ['ews-gateway'] },
  [Topics.voicemailDeposited]: {
    producers: ['voicemail-ingest'],
    consumers: [],
    consumedLater: "the web client's and SIP front's new-voicemail notices (caller and duration)",
  },
  // The owner's message-waiting lamp: presence-bridge keeps the counts with the user's presence sources.
  [Topics.messageWaitingChanged]: { producers: ['voicemail-ingest'], consumers: ['presence-bridge'] },
  // Every gateway replica reads it for the streaming connections it holds (REPLICA_FEED_TOPICS).
  [Topics.mailboxEventAppended]: { producers: ['ews-gateway'], consumers: ['ews-gateway'] },
  // iMIP: calendar-sync renders invitations for external attendees, voicemail-ingest mails them (outbound queue).
  [Topics.calendarImipOutgoing]: { producers: ['calendar-sync'], consumers: ['voicemail-ingest'] },
  // iMIP replies delivered to a Parley mailbox: calendar-sync records the answer on the organizer's meeting.
  [Topics.mailboxImipReceived]: { producers: ['voicemail-ingest'], consumers: ['calendar-sync'] },
};

/**
 * The command topics `service` sends (it waits on their reply topics): read from the routes above,
 * so a new command of a service is subscribed to where its route is written, and nowhere else.
 */
export function requestTopicsSentBy(service: ServiceName): string[] {
  return (Object.keys(TopicRoutes) as Topic[]).filter((t) => /\.request\.v\d+$/.test(t) && TopicRoutes[t].producers.includes(service));
}
