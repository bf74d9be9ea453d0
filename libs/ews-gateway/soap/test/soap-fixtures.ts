import { EwsError, NS } from '../src/index';

/** A request shaped like the EWS Managed API / ews-javascript-api ones (prefixes soap/m/t). */
export function soapRequest(body: string, header = ''): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${NS.SOAP}" xmlns:xsi="${NS.XSI}" xmlns:m="${NS.MESSAGES}" xmlns:t="${NS.TYPES}">` +
    (header === '' ? '' : `<soap:Header>${header}</soap:Header>`) +
    `<soap:Body>${body}</soap:Body>` +
    '</soap:Envelope>'
  );
}

export const GET_INBOX =
  '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>' +
  '<m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';

/** Runs `fn`, which must throw an `EwsError`, and returns that error. */
export function ewsErrorOf(fn: () => unknown): EwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EwsError) return e;
    throw new Error(`expected an EwsError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected an EwsError, nothing was thrown');
}
