import type { ActingMailbox } from '@parley/ews-gateway/auth';
import type { XmlNode } from '@parley/xml';
import type { SoapRequest } from '@parley/ews-gateway/soap';

export interface EwsOperationContext {
  readonly request: SoapRequest;
  /** Resolved once per request by `ActingMailboxResolver` (impersonation included). */
  readonly acting: ActingMailbox;
}

/** One EWS operation: reads `m:<Operation>` and returns the `m:<Operation>Response` element. */
export interface EwsOperationHandler {
  /** Local name of the request element in the messages namespace. */
  readonly operation: string;
  handle(ctx: EwsOperationContext): Promise<XmlNode>;
}

export const EWS_OPERATION_HANDLERS = Symbol('EWS_OPERATION_HANDLERS');
