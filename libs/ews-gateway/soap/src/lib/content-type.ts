/** SOAP 1.1 (`text/xml`) and SOAP 1.2 (`application/soap+xml`): what the EWS and SOAP Autodiscover endpoints read. */
export const SOAP_MEDIA_TYPES: readonly string[] = ['text/xml', 'application/soap+xml'];

/** Plain-old-XML Autodiscover (`autodiscover.xml`): Outlook sends `text/xml`, others `application/xml`. */
export const POX_MEDIA_TYPES: readonly string[] = ['text/xml', 'application/xml'];

/** The media type of a `Content-Type` value, lower-cased, without parameters; undefined when absent or empty. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  return media ? media : undefined;
}

/**
 * Whether a request body declared as `contentType` is one of `accepted`. A body without a
 * Content-Type is refused: what it holds is unknown, and Exchange (WCF behind IIS) refuses it too.
 */
export function isAcceptedContentType(contentType: string | undefined, accepted: readonly string[]): boolean {
  const media = mediaTypeOf(contentType);
  return media !== undefined && accepted.includes(media);
}
