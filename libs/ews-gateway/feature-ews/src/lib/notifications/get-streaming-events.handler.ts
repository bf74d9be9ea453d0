import { Inject, Injectable, Logger } from '@nestjs/common';
import { MailboxEventJournal, NotificationSubscriptionRepository } from '@parley/ews-gateway/data-access';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild } from '@parley/ews-gateway/soap';
import { children, text, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler, EwsStreamingAnswer } from '../ews-operation';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import { FolderIds } from '../folders/folder-ids';
import { NotificationSubscriptions } from './notification-subscriptions.service';
import { StreamingConnection } from './streaming-connection';
import { StreamingHub } from './streaming-hub';

/** Exchange's bounds on `ConnectionTimeout`, in minutes. */
const CONNECTION_MINUTES_MIN = 1;
const CONNECTION_MINUTES_MAX = 30;
/** A reader this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * GetStreamingEvents: one long-lived chunked response carrying the events of several streaming
 * subscriptions of the acting mailbox, with keep-alives, until `ConnectionTimeout` minutes pass.
 */
@Injectable()
export class GetStreamingEventsHandler implements EwsOperationHandler<XmlNode | EwsStreamingAnswer> {
  readonly operation = 'GetStreamingEvents';
  private readonly logger = new Logger('EwsStreaming');

  constructor(
    private readonly subscriptions: NotificationSubscriptions,
    private readonly rows: NotificationSubscriptionRepository,
    private readonly journal: MailboxEventJournal,
    private readonly hub: StreamingHub,
    private readonly folderIds: FolderIds,
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Pick<EwsEndpointOptions, 'notifications'>,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode | EwsStreamingAnswer> {
    const ids = children(requireChild(request.body, NS.MESSAGES, 'SubscriptionIds'), NS.TYPES, 'SubscriptionId').map((e) =>
      (text(e) ?? '').trim(),
    );
    const limit = this.options.notifications.maxSubscriptionsPerConnection;
    if (ids.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, 'SubscriptionIds must name at least one subscription.');
    if (ids.length > limit) throw new EwsError(EwsErrorCode.InvalidValue, `One connection may carry at most ${limit} subscriptions.`);
    const minutesText = (text(requireChild(request.body, NS.MESSAGES, 'ConnectionTimeout')) ?? '').trim();
    const minutes = /^\d{1,3}$/.test(minutesText) ? Number(minutesText) : NaN;
    if (!(minutes >= CONNECTION_MINUTES_MIN && minutes <= CONNECTION_MINUTES_MAX))
      throw new EwsError(
        EwsErrorCode.InvalidValue,
        `ConnectionTimeout must be between ${CONNECTION_MINUTES_MIN} and ${CONNECTION_MINUTES_MAX} minutes.`,
      );
    const user = acting.caller.smtpAddress;
    if (!this.hub.admit(user))
      return operationResponse('GetStreamingEvents', [
        { responseCode: 'ErrorExceededConnectionCount', messageText: 'Too many streaming connections are open for this user.' },
      ]);
    const { subscriptions, refused } = await this.subscriptions.forStreaming(acting, [...new Set(ids)]);
    const connection = new StreamingConnection(
      subscriptions,
      {
        heartbeatMs: this.options.notifications.streamingHeartbeatMs,
        lifetimeMs: minutes * 60_000,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
      },
      {
        journal: this.journal,
        subscriptions: this.rows,
        folderIdentity: (mailbox, kind) => this.folderIds.identity(mailbox, kind),
        onError: (error) => this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      },
    );
    return {
      kind: 'streaming',
      start: (_req, res) => {
        connection.attach(res);
        if (subscriptions.length > 0) this.hub.add(user, connection);
        connection.start(refused.map((r) => ({ id: r.id, code: r.error.code, message: r.error.message })));
      },
    };
  }
}
