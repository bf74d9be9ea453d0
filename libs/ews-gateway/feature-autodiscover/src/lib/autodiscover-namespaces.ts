export const AD = {
  /** SOAP Autodiscover (GetUserSettings). */
  SOAP: 'http://schemas.microsoft.com/exchange/2010/Autodiscover',
  WSA: 'http://www.w3.org/2005/08/addressing',
  POX_REQUEST: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
  POX_RESPONSE: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  OUTLOOK_RESPONSE: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
} as const;
