import { XML_NS } from '@parley/xml';

/** Namespace URIs of the EWS SOAP protocol. Match on these, never on the prefixes clients choose. */
export const NS = {
  SOAP: 'http://schemas.xmlsoap.org/soap/envelope/',
  MESSAGES: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  TYPES: 'http://schemas.microsoft.com/exchange/services/2006/types',
  ERRORS: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  XSI: 'http://www.w3.org/2001/XMLSchema-instance',
  XSD: 'http://www.w3.org/2001/XMLSchema',
  XML: XML_NS.XML,
  XMLNS: XML_NS.XMLNS,
} as const;

/**
 * Prefixes the writer uses, the ones Exchange itself emits (`s`/`m`/`t`/`e`), so that captured
 * traffic and golden files read the same as a real server's.
 */
export const PREFERRED_PREFIXES: Readonly<Record<string, string>> = {
  [NS.SOAP]: 's',
  [NS.MESSAGES]: 'm',
  [NS.TYPES]: 't',
  [NS.ERRORS]: 'e',
  [NS.XSI]: 'xsi',
  [NS.XSD]: 'xsd',
};
