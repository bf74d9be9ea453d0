/** How the outbound queue retries and polls (PARLEY_SMTP_OUTBOUND_*, docs/smtp.md "Outbound mail"). */
export abstract class OutboundSettings {
  /** How long a deferred recipient is retried before it fails and is bounced. */
  abstract readonly retryWindowMs: number;
  /** The wait before the second attempt; it doubles after each further one. */
  abstract readonly retryBaseMs: number;
  abstract readonly retryMaxMs: number;
  /** Longest sleep of the poller. */
  abstract readonly pollMaxMs: number;
  /** Messages claimed per look. */
  abstract readonly batchSize: number;
  /** How long a claimed message is left to its replica before another may try it (longer than any one attempt). */
  abstract readonly leaseMs: number;
  /** This side's name: EHLO at the smarthost, `Reporting-MTA` and the sender of DSNs. */
  abstract readonly hostname: string;
}
