/**
 * Every topic Parley uses, in one place. Names are part of the wire contract: never rename one;
 * a breaking change gets a new version suffix and both live side by side until consumers move.
 *
 * Events: `<domain>.<entity>.<event>.v<N>`. Commands: `.request.v<N>` with the reply on `.reply.v<N>`.
 * Dead letters are not topics: they are rows of `messaging.dead_letter` (see the messaging lib).
 */
export const Topics = {
  oofSetRequest: 'calendar.oof.set.request.v1',
  oofGetRequest: 'calendar.oof.get.request.v1',
  oofChanged: 'calendar.oof.changed.v1',
  presenceChanged: 'presence.presence.changed.v1',
  calendarItemCreateRequest: 'calendar.item.create.request.v1',
  calendarItemUpdateRequest: 'calendar.item.update.request.v1',
  calendarItemDeleteRequest: 'calendar.item.delete.request.v1',
  calendarItemRespondRequest: 'calendar.item.respond.request.v1',
  calendarItemGetRequest: 'calendar.item.get.request.v1',
  calendarItemFindRequest: 'calendar.item.find.request.v1',
  calendarItemFindDeletedRequest: 'calendar.item.find-deleted.request.v1',
  calendarItemMoveRequest: 'calendar.item.move.request.v1',
  calendarFreeBusyGetRequest: 'calendar.free-busy.get.request.v1',
  calendarWorkingHoursChanged: 'calendar.working-hours.changed.v1',
  calendarItemChanged: 'calendar.item.changed.v1',
  calendarTaskCreateRequest: 'calendar.task.create.request.v1',
  calendarTaskUpdateRequest: 'calendar.task.update.request.v1',
  calendarTaskDeleteRequest: 'calendar.task.delete.request.v1',
  calendarTaskGetRequest: 'calendar.task.get.request.v1',
  calendarTaskFindRequest: 'calendar.task.find.request.v1',
  calendarTaskMoveRequest: 'calendar.task.move.request.v1',
  calendarTaskChanged: 'calendar.task.changed.v1',
  calendarFolderCountsGetRequest: 'calendar.folder-counts.get.request.v1',
  oofEffectiveChanged: 'calendar.oof.effective-changed.v1',
  calendarPresenceStateChanged: 'calendar.presence-state.changed.v1',
  imDelivery: 'presence.im.delivery.v1',
  imReceipt: 'presence.im.receipt.v1',
  imConversationEnded: 'presence.im.conversation-ended.v1',
  mailboxMessageFindRequest: 'mailbox.message.find.request.v1',
  mailboxMessageGetRequest: 'mailbox.message.get.request.v1',
  mailboxContentReadRequest: 'mailbox.content.read.request.v1',
  mailboxMessageUpdateRequest: 'mailbox.message.update.request.v1',
  mailboxMessageDeleteRequest: 'mailbox.message.delete.request.v1',
  mailboxMessageMoveRequest: 'mailbox.message.move.request.v1',
  mailboxMarkAllReadRequest: 'mailbox.message.mark-all-read.request.v1',
  mailboxCountsGetRequest: 'mailbox.folder-counts.get.request.v1',
  mailboxMessageCreateRequest: 'mailbox.message.create.request.v1',
  mailboxMessageSendRequest: 'mailbox.message.send.request.v1',
  mailboxMessageChanged: 'mailbox.message.changed.v1',
  voicemailDeposited: 'mailbox.voicemail.deposited.v1',
  messageWaitingChanged: 'mailbox.message-waiting.changed.v1',
  mailboxEventAppended: 'ews.mailbox-event.appended.v1',
  calendarImipOutgoing: 'calendar.imip.outgoing.v1',
  mailboxImipReceived: 'mailbox.imip.received.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/**
 * Kafka configuration a topic needs beyond the broker's defaults, as data beside the names.
 * State topics (keyed by the aggregate, every record the aggregate's full state with its revision)
 * are log-compacted: a read model rebuilt from the beginning reads about one record per key, and a
 * mailbox's state is never lost to time-based retention. Only consumers indifferent to skipped
 * intermediate states may read a compacted topic (see docs/architecture.md, "OOF read model").
 */
export const TopicConfigs: Readonly<Partial<Record<Topic, Readonly<Record<string, string>>>>> = {
  [Topics.oofChanged]: { 'cleanup.policy': 'compact' },
  [Topics.oofEffectiveChanged]: { 'cleanup.policy': 'compact' },
  [Topics.calendarPresenceStateChanged]: { 'cleanup.policy': 'compact' },
  [Topics.messageWaitingChanged]: { 'cleanup.policy': 'compact' },
  // Ephemeral: every replica reads them from the end and an IM is answered within seconds, so
  // minutes of history are plenty (segments roll every minute so that retention can act).
  [Topics.imDelivery]: { 'cleanup.policy': 'delete', 'retention.ms': '300000', 'segment.ms': '60000' },
  [Topics.imReceipt]: { 'cleanup.policy': 'delete', 'retention.ms': '300000', 'segment.ms': '60000' },
  // A streaming connection that missed some catches up from the journal in PostgreSQL, not from here.
  [Topics.mailboxEventAppended]: { 'cleanup.policy': 'delete', 'retention.ms': '300000', 'segment.ms': '60000' },
};

/**
 * Topics every replica of the consuming service reads for itself (a consumer group of its own per
 * process start, `MessagingTransport.stateReader`), because each replica serves its own connected
 * clients. The service's shared consumer group must not subscribe to them as well: one replica would
 * then get each message twice. On the in-process bus their handlers are ordinary @EventPatterns.
 */
export const REPLICA_FEED_TOPICS: ReadonlySet<string> = new Set<Topic>([
  Topics.presenceChanged,
  Topics.imDelivery,
  Topics.imReceipt,
  // Every gateway replica's streaming connections. (The gateway's OOF and free/busy read models also
  // read their topics per replica, but those topics are not listed: other services consume them in
  // their groups, and a second, idempotent apply on one gateway replica through its group costs little.)
  Topics.mailboxEventAppended,
]);

/** The reply topic for a command topic: `x.request.vN` → `x.reply.vN`. */
export function replyTopicOf(requestTopic: string): string {
  const replaced = requestTopic.replace(/\.request\.(v\d+)$/, '.reply.$1');
  if (replaced === requestTopic) throw new Error(`not a request topic: ${requestTopic}`);
  return replaced;
}

export const requestTopics: readonly string[] = Object.values(Topics).filter((t) => /\.request\.v\d+$/.test(t));

/** Every topic that must exist before services start (including reply topics). */
export function allTopics(): string[] {
  const base = Object.values(Topics) as string[];
  const replies = requestTopics.map(replyTopicOf);
  return [...new Set([...base, ...replies])];
}

/**
 * Requests that only read: a service may answer them concurrently and in any order (commands,
 * which write, are applied one at a time per key, in order). See `ParleyServerKafka`.
 */
export const QUERY_TOPICS: ReadonlySet<string> = new Set<Topic>([
  Topics.oofGetRequest,
  Topics.calendarItemGetRequest,
  Topics.calendarItemFindRequest,
  Topics.calendarItemFindDeletedRequest,
  Topics.calendarFreeBusyGetRequest,
  Topics.calendarTaskGetRequest,
  Topics.calendarTaskFindRequest,
  Topics.calendarFolderCountsGetRequest,
  Topics.mailboxMessageFindRequest,
  Topics.mailboxMessageGetRequest,
  Topics.mailboxContentReadRequest,
  Topics.mailboxCountsGetRequest,
]);
