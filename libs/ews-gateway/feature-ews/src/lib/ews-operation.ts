import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import type { XmlNode } from '@parley/xml';
import type { SoapRequest } from '@parley/ews-gateway/soap';

export interface EwsOperationContext {
  readonly request: SoapRequest;
  /** Resolved once per request by `ActingMailboxResolver` (impersonation included). */
  readonly acting: ActingMailbox;
}

/**
 * An answer written over time instead of one envelope (GetStreamingEvents): once the request is
 * signed in, parsed and authorised, the service hands it the exchange and it owns the response.
 */
export interface EwsStreamingAnswer {
  readonly kind: 'streaming';
  start(req: IncomingMessage, res: ServerResponse): void;
}

export function isStreamingAnswer(answer: XmlNode | EwsStreamingAnswer): answer is EwsStreamingAnswer {
  return (answer as EwsStreamingAnswer).kind === 'streaming';
}

/** One EWS operation: reads `m:<Operation>` and returns the `m:<Operation>Response` element (or, streaming, its writer). */
export interface EwsOperationHandler<Answer extends XmlNode | EwsStreamingAnswer = XmlNode> {
  /** Local name of the request element in the messages namespace. */
  readonly operation: string;
  handle(ctx: EwsOperationContext): Promise<Answer>;
}

/** What the endpoint dispatches to: any handler, streaming ones included. */
export type AnyEwsOperationHandler = EwsOperationHandler<XmlNode | EwsStreamingAnswer>;

export const EWS_OPERATION_HANDLERS = Symbol('EWS_OPERATION_HANDLERS');
