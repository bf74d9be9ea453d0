import { Injectable } from '@nestjs/common';
import { attr, children, el, qualifiedName, withNamespaces, type XmlElement, type XmlNode } from '@parley/xml';
import {
  EwsError,
  EwsErrorCode,
  EwsResponseCode,
  NS,
  operationResponse,
  requireChild,
  type ResponseMessageSpec,
} from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { fromEwsId, idFormats, toEwsId, type IdFormat } from './id-formats';

/**
 * ConvertId between EwsId, EwsLegacyId, EntryId, HexEntryId, StoreId and OwaId (see
 * `id-formats.ts`). Each answer echoes the id's mailbox (the request's `Mailbox`, else the acting
 * mailbox): some clients learn who they are signed in as that way. An id Parley did not mint —
 * including the dummy ids clients probe with to read ServerVersionInfo — is a per-item
 * `ErrorInvalidIdMalformed`. Converting reveals nothing about a mailbox, so no ownership check.
 */
@Injectable()
export class ConvertIdHandler implements EwsOperationHandler {
  readonly operation = 'ConvertId';

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const destination = readFormat(attr(request.body, 'DestinationFormat'), 'DestinationFormat');
    const ids = children(requireChild(request.body, NS.MESSAGES, 'SourceIds'), NS.TYPES);
    if (ids.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'SourceIds' must contain at least one id.");
    return operationResponse(
      'ConvertId',
      ids.map((source) => convertOne(source, destination, acting.mailbox.smtpAddress)),
    );
  }
}

function convertOne(source: XmlElement, destination: IdFormat, actingAddress: string): ResponseMessageSpec {
  // Public folder ids (AlternatePublicFolderId, …) name nothing here.
  const format = source.local === 'AlternateId' ? readFormat(attr(source, 'Format'), 'Format') : undefined;
  const ewsId = format && toEwsId(format, attr(source, 'Id') ?? '');
  if (!ewsId) return { responseCode: EwsResponseCode.ErrorInvalidIdMalformed, messageText: 'Id is malformed.' };
  const mailbox = attr(source, 'Mailbox')?.trim() || actingAddress;
  const alternate = el(NS.MESSAGES, 'AlternateId', {
    [qualifiedName(NS.XSI, 'type')]: 't:AlternateIdType',
    Format: destination,
    Id: fromEwsId(destination, ewsId),
    Mailbox: mailbox,
  });
  return { content: withNamespaces(alternate, { t: NS.TYPES }) };
}

function readFormat(value: string | undefined, what: string): IdFormat {
  const v = value?.trim();
  if (v === undefined || !(idFormats as readonly string[]).includes(v)) {
    throw new EwsError(EwsErrorCode.InvalidValue, `Attribute '${what}' must be one of ${idFormats.join(', ')}.`);
  }
  return v as IdFormat;
}
