import { isAcceptedContentType, mediaTypeOf, POX_MEDIA_TYPES, SOAP_MEDIA_TYPES } from './content-type';

describe('request Content-Type', () => {
  it('reads the media type without parameters, in any case', () => {
    expect(mediaTypeOf('Text/XML; charset=utf-8')).toBe('text/xml');
    expect(mediaTypeOf('  application/soap+xml ; action="x"')).toBe('application/soap+xml');
    expect(mediaTypeOf(undefined)).toBeUndefined();
    expect(mediaTypeOf('  ')).toBeUndefined();
    expect(mediaTypeOf('; charset=utf-8')).toBeUndefined();
  });

  it('accepts SOAP 1.1 and 1.2 on the SOAP endpoints, as ews-javascript-api sends them', () => {
    expect(isAcceptedContentType('text/xml; charset=utf-8', SOAP_MEDIA_TYPES)).toBe(true);
    expect(isAcceptedContentType('application/soap+xml; charset=utf-8', SOAP_MEDIA_TYPES)).toBe(true);
    expect(isAcceptedContentType('application/xml', SOAP_MEDIA_TYPES)).toBe(false);
  });

  it('accepts text/xml and application/xml for POX Autodiscover', () => {
    expect(isAcceptedContentType('text/xml', POX_MEDIA_TYPES)).toBe(true);
    expect(isAcceptedContentType('application/xml; charset=utf-8', POX_MEDIA_TYPES)).toBe(true);
    expect(isAcceptedContentType('application/soap+xml', POX_MEDIA_TYPES)).toBe(false);
  });

  it('refuses a missing, empty or non-XML Content-Type', () => {
    for (const type of [undefined, '', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'text/xml-ish']) {
      expect(isAcceptedContentType(type, SOAP_MEDIA_TYPES)).toBe(false);
    }
  });
});
