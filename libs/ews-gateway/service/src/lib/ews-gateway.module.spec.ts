import { baseEnvSchema, parseEnv, toRuntimeConfig } from '@parley/config';
import { XML_PARSE_DEFAULTS } from '@parley/ews-gateway/soap';

describe('ews-gateway configuration', () => {
  it('defaults the XML work limits to the parser defaults the SOAP lib documents', () => {
    const env = parseEnv(baseEnvSchema({ httpPort: 8081, bus: 'kafka', migrate: false, metrics: { host: '0.0.0.0', port: 9081 } }), { KAFKA_BROKERS: 'k:9092' });
    // The byte limit is PARLEY_HTTP_BODY_LIMIT_BYTES, shared with every HTTP endpoint.
    const xmlDefaults = Object.fromEntries(Object.entries(XML_PARSE_DEFAULTS).filter(([key]) => key !== 'maxBytes'));
    expect(toRuntimeConfig('ews-gateway', '0.0.0', env, { requireDatabaseUrl: false, idSecret: 'g'.repeat(43) }).ews.xmlLimits).toEqual(xmlDefaults);
  });
});
