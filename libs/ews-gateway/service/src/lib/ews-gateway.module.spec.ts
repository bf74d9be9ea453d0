import { parseEnv, serviceEnvSchema, toRuntimeConfig } from '@parley/config';
import { XML_PARSE_DEFAULTS } from '@parley/xml';

describe('ews-gateway configuration', () => {
  it('defaults the XML work limits to the parser defaults the SOAP lib documents', () => {
    const env = parseEnv(serviceEnvSchema('ews-gateway'), { KAFKA_BROKERS: 'k:9092' });
    // The byte limit is PARLEY_HTTP_BODY_LIMIT_BYTES, shared with every HTTP endpoint.
    const xmlDefaults = Object.fromEntries(Object.entries(XML_PARSE_DEFAULTS).filter(([key]) => key !== 'maxBytes'));
    expect(
      toRuntimeConfig('ews-gateway', '0.0.0', env, { services: ['ews-gateway'], requireDatabaseUrl: false, idSecret: 'g'.repeat(43) }).ews
        ?.xmlLimits,
    ).toEqual(xmlDefaults);
  });
});
