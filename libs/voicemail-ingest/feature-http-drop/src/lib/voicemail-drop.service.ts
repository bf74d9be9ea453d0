import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import { MailboxDelivery, MailboxDeliveryError, type DeliveryRefusal } from '@parley/voicemail-ingest/feature-mailbox';
import type { StoredPbxApiKey } from '@parley/voicemail-ingest/data-access';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { VoicemailDropErrorCode, VoicemailDropException } from './voicemail-drop.exception';
import { voicemailDropMetadataSchema, type VoicemailDropMetadata } from './voicemail-drop.metadata';
import { composeDropMail } from './voicemail-drop.mime';
import type { DropParts } from './voicemail-drop.multipart';
import { VOICEMAIL_DROP_OPTIONS, type VoicemailDropOptions } from './voicemail-drop.options';

/** One stored copy per recipient, as the drop's answer lists them. */
export interface DropResult {
  dropId: string;
  items: { mailbox: string; itemId: string }[];
}

/** Seconds a PBX should wait before retrying a drop the store could not take now. */
const RETRY_AFTER_SECONDS = 30;

const refusalCodes: Record<DeliveryRefusal, VoicemailDropErrorCode> = {
  'unknown-recipient': VoicemailDropErrorCode.UnknownMailbox,
  'over-quota': VoicemailDropErrorCode.OverQuota,
  'too-large': VoicemailDropErrorCode.PayloadTooLarge,
  temporary: VoicemailDropErrorCode.Unavailable,
};

/**
 * The HTTP drop's logic: validates the metadata, checks every recipient, builds the voicemail mail
 * in Exchange UM form and hands it to the mailbox store through its delivery port (channel
 * `http-drop`), the one way into a mailbox. All recipients or none: one unknown or full mailbox
 * refuses the whole drop before anything is stored.
 */
@Injectable()
export class VoicemailDropService {
  private readonly logger = new Logger('VoicemailDrop');
  private readonly metadataSchema: ReturnType<typeof voicemailDropMetadataSchema>;

  constructor(
    @Inject(VOICEMAIL_DROP_OPTIONS) private readonly options: VoicemailDropOptions,
    // Absent until the mailbox store is wired into the process: every drop is then a 503.
    @Optional() private readonly delivery?: MailboxDelivery,
  ) {
    this.metadataSchema = voicemailDropMetadataSchema(options.maxRecipients);
  }

  async drop(parts: DropParts, from: { key: StoredPbxApiKey; clientAddress: string }, now = new Date()): Promise<DropResult> {
    const metadata = this.parseMetadata(parts.metadata);
    const recipients = [...new Set(metadata.recipients.map((r) => toMailboxKey(r)))];
    const delivery = this.delivery;
    if (delivery === undefined) {
      throw new VoicemailDropException(VoicemailDropErrorCode.Unavailable, 'The mailbox store is not running in this process.', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    const dropId = randomUUID();
    const raw = await composeDropMail(metadata, parts.audio, {
      recipients,
      keyName: from.key.name,
      clientAddress: from.clientAddress,
      dropId,
      now,
    });
    try {
      await this.checkRecipients(delivery, recipients, raw.length);
      const receipt = await delivery.deliver({
        channel: 'http-drop',
        envelopeFrom: null,
        recipients,
        raw,
        submittedBy: null,
        clientAddress: from.clientAddress,
      });
      this.logger.log(
        `drop ${dropId} from PBX key ${from.key.name}: ${receipt.deliveries.length} item(s), ${parts.audio.bytes.length} audio bytes`,
      );
      return { dropId, items: receipt.deliveries.map((d) => ({ mailbox: d.mailbox, itemId: d.itemId })) };
    } catch (error) {
      throw this.refusalOf(error, dropId);
    }
  }

  private parseMetadata(text: string): VoicemailDropMetadata {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new VoicemailDropException(
        VoicemailDropErrorCode.InvalidMetadata,
        `The metadata is not valid JSON: ${(error as Error).message}.`,
      );
    }
    const recipients = (json as { recipients?: unknown } | null)?.recipients;
    if (Array.isArray(recipients) && recipients.length > this.options.maxRecipients) {
      throw new VoicemailDropException(
        VoicemailDropErrorCode.TooManyRecipients,
        `A drop names at most ${this.options.maxRecipients} mailboxes; this one names ${recipients.length}.`,
      );
    }
    const parsed = this.metadataSchema.safeParse(json);
    if (!parsed.success) {
      throw new VoicemailDropException(VoicemailDropErrorCode.InvalidMetadata, 'The metadata does not match its schema.', {
        errors: issuesOf(parsed.error),
      });
    }
    return parsed.data;
  }

  private async checkRecipients(delivery: MailboxDelivery, recipients: readonly string[], size: number): Promise<void> {
    const checks = await Promise.all(recipients.map(async (r) => ({ recipient: r, check: await delivery.checkRecipient(r, size) })));
    const unknown = checks.filter((c) => !c.check.accepted && c.check.reason === 'unknown-recipient').map((c) => c.recipient);
    if (unknown.length > 0) throw new MailboxDeliveryError('unknown-recipient', 'No such mailbox.', unknown);
    const full = checks.filter((c) => !c.check.accepted && c.check.reason === 'over-quota').map((c) => c.recipient);
    if (full.length > 0) throw new MailboxDeliveryError('over-quota', 'The mailbox is full.', full);
  }

  private refusalOf(error: unknown, dropId: string): VoicemailDropException {
    if (error instanceof VoicemailDropException) return error;
    if (error instanceof MailboxDeliveryError) {
      const code = refusalCodes[error.refusal];
      const recipients = error.recipients;
      const detail =
        code === VoicemailDropErrorCode.UnknownMailbox
          ? `No Parley mailbox for ${recipients.join(', ') || 'a recipient'}; nothing was stored.`
          : code === VoicemailDropErrorCode.OverQuota
            ? `The mailbox of ${recipients.join(', ') || 'a recipient'} is full; nothing was stored.`
            : code === VoicemailDropErrorCode.PayloadTooLarge
              ? 'The voicemail is larger than the mailbox store accepts.'
              : 'The mailbox store could not take the voicemail now; nothing was stored. Try again later.';
      if (code === VoicemailDropErrorCode.Unavailable) this.logger.warn(`drop ${dropId}: temporary failure: ${error.message}`);
      return new VoicemailDropException(code, detail, {
        recipients,
        retryAfterSeconds: code === VoicemailDropErrorCode.Unavailable ? RETRY_AFTER_SECONDS : undefined,
      });
    }
    // The port's contract: any other error is a temporary failure with nothing stored.
    this.logger.error(
      `drop ${dropId}: the mailbox store failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return new VoicemailDropException(
      VoicemailDropErrorCode.Unavailable,
      'The mailbox store could not take the voicemail now; nothing was stored. Try again later.',
      { retryAfterSeconds: RETRY_AFTER_SECONDS },
    );
  }
}

/** zod's issues as RFC 6901 pointers into the metadata. */
function issuesOf(error: z.ZodError): { pointer: string; detail: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({
    pointer: `/${issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail: issue.message,
  }));
}
