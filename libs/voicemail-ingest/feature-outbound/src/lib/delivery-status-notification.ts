import MailComposer from 'nodemailer/lib/mail-composer';

/** A recipient the DSN reports as failed. */
export interface FailedRecipient {
  readonly address: string;
  /** The last reply about it (`550 5.1.1 …`, or why there was none). */
  readonly reply: string;
  /** True when it failed because its retry window ended (not a final refusal). */
  readonly expired: boolean;
}

export interface DeliveryStatusNotificationInput {
  /** This side's name (`Reporting-MTA`, the From: address's domain). */
  readonly reportingMta: string;
  /** The smarthost (`Remote-MTA`), when the refusal came from it. */
  readonly remoteMta: string | null;
  /** The original message's envelope sender: the DSN's only recipient. */
  readonly to: string;
  readonly arrivalDate: Date;
  readonly failed: readonly FailedRecipient[];
  /** The original message's header section (RFC 3462 `text/rfc822-headers`). */
  readonly originalHeaders: string;
  readonly now: Date;
}

/** Longest original header section returned (a DSN is not a way to send big messages back). */
const MAX_RETURNED_HEADERS = 32 * 1024;

/** The header section of a MIME message (up to the first empty line). */
export function headerSectionOf(raw: Buffer): string {
  const text = raw.subarray(0, MAX_RETURNED_HEADERS * 2).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end < 0 ? text : text.slice(0, end);
  return head.slice(0, MAX_RETURNED_HEADERS).replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** The RFC 3463 status of a failed recipient: the reply's enhanced code, else one by its class. */
export function statusOf(recipient: FailedRecipient): string {
  if (recipient.expired) return '4.4.7';
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(recipient.reply);
  if (enhanced) return enhanced[1];
  const code = /^([245])\d\d\b/.exec(recipient.reply);
  return code ? `${code[1]}.0.0` : '5.0.0';
}

/**
 * A delivery status notification (RFC 3464): `multipart/report; report-type=delivery-status` with a
 * readable part, the `message/delivery-status` fields per recipient and the original's headers;
 * `Auto-Submitted: auto-replied` (RFC 3834). It goes out with the null reverse-path, so nothing ever
 * answers it, a DSN included.
 */
export async function buildDeliveryStatusNotification(input: DeliveryStatusNotificationInput): Promise<Buffer> {
  const lines = input.failed.map(
    (f) => `  ${f.address}: ${f.expired ? 'could not be delivered before the retry window ended; last reply: ' : ''}${f.reply}`,
  );
  const text = [
    `This is the mail system at ${input.reportingMta}.`,
    '',
    'Your message could not be delivered to the following recipient(s). The headers of your message are attached.',
    '',
    ...lines,
    '',
  ].join('\r\n');
  const perMessage = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `Arrival-Date: ${input.arrivalDate.toUTCString().replace('GMT', '+0000')}`,
  ];
  const perRecipient = input.failed.map((f) =>
    [
      `Final-Recipient: rfc822; ${f.address}`,
      'Action: failed',
      `Status: ${statusOf(f)}`,
      ...(input.remoteMta !== null && /^\d{3}\b/.test(f.reply) ? [`Remote-MTA: dns; ${input.remoteMta}`] : []),
      `Diagnostic-Code: smtp; ${f.reply.replace(/[\r\n]+/g, ' ')}`,
      `Last-Attempt-Date: ${input.now.toUTCString().replace('GMT', '+0000')}`,
    ].join('\r\n'),
  );
  const status = [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n') + '\r\n';
  const root = new MailComposer({
    from: { name: 'Mail Delivery System', address: `MAILER-DAEMON@${input.reportingMta}` },
    to: input.to,
    subject: 'Undelivered Mail Returned to Sender',
    date: input.now,
    headers: { 'Auto-Submitted': 'auto-replied' },
    text,
    attachments: [
      {
        contentType: 'message/delivery-status',
        content: status,
        contentDisposition: 'inline',
        contentTransferEncoding: '7bit',
        filename: false,
      },
      {
        contentType: 'text/rfc822-headers',
        content: input.originalHeaders,
        contentDisposition: 'inline',
        contentTransferEncoding: 'quoted-printable',
        filename: false,
      },
    ],
  }).compile();
  // MailComposer builds multipart/mixed for a text with attachments; the report type is the same tree under RFC 3462's name.
  root.setHeader('Content-Type', 'multipart/report; report-type=delivery-status');
  return root.build();
}
