import { readFileSync } from 'node:fs';
import { z } from 'zod';

const user = z.object({ username: z.string().min(1), password: z.string().min(1) });
const securedListenersSchema = z.object({
  /** host:port of the SASL_SSL listener (TLS, then SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN). */
  saslSsl: z.string().min(1),
  /** host:port of the SSL listener that requires a client certificate. */
  mutualTls: z.string().min(1),
  /** The test CA that signed the broker's and the client's certificates. */
  caFile: z.string().min(1),
  clientCertFile: z.string().min(1),
  clientKeyFile: z.string().min(1),
  users: z.object({ 'scram-sha-512': user, 'scram-sha-256': user, plain: user }),
});

/** The secured listeners of a test broker (scripts/kafka-test-broker.sh with PARLEY_KAFKA_SASL_SSL_PORT and PARLEY_KAFKA_MTLS_PORT). */
export type SecuredKafkaListeners = z.infer<typeof securedListenersSchema>;

/** Reads the description the broker script writes (`secured-listeners.json` in its state directory). */
export function readSecuredListeners(file: string): SecuredKafkaListeners {
  const parsed = securedListenersSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file} does not describe both secured listeners (start the broker with PARLEY_KAFKA_SASL_SSL_PORT and PARLEY_KAFKA_MTLS_PORT): ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/**
 * The secured listeners of the broker `npm test` started (it sets KAFKA_TEST_SECURED_LISTENERS to
 * their description), or undefined: then the test starts a secured broker of its own.
 */
export function sharedSecuredKafkaListeners(): SecuredKafkaListeners | undefined {
  const file = process.env['KAFKA_TEST_SECURED_LISTENERS'];
  return file ? readSecuredListeners(file) : undefined;
}
