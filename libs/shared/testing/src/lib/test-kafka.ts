/**
 * Brokers of the Kafka cluster integration tests use. `npm test` starts the project's test broker
 * and sets KAFKA_BROKERS; a test never silently skips because it is missing.
 */
export function testKafkaBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) {
    throw new Error(
      'KAFKA_BROKERS is not set. Run the tests with `npm test` (it starts a Kafka test broker), or start one with `npm run kafka:test-broker -- start` and export the KAFKA_BROKERS it prints.',
    );
  }
  return brokers.split(',').map((b) => b.trim());
}
