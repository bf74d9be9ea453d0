/** Size limits the codec enforces before doing any work proportional to the input. */
export interface SipLimits {
  /** Whole message, start line to the end of the body (RFC 3261 §21.5.14: 513 beyond it). */
  readonly maxMessageBytes: number;
  /** Header lines (after unfolding) per message. */
  readonly maxHeaders: number;
  /** One header line after unfolding, name included. */
  readonly maxHeaderLineBytes: number;
  /** The body (RFC 3261 §21.4.11: 413 beyond it). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_SIP_LIMITS: SipLimits = {
  maxMessageBytes: 64 * 1024,
  maxHeaders: 100,
  maxHeaderLineBytes: 8 * 1024,
  maxBodyBytes: 60 * 1024,
};

export function sipLimits(overrides: Partial<SipLimits> = {}): SipLimits {
  return { ...DEFAULT_SIP_LIMITS, ...overrides };
}
