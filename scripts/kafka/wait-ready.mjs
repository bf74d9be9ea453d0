#!/usr/bin/env node
// Waits until a Kafka broker answers admin.describeCluster() — i.e. it is accepting clients, not
// just listening. Used by scripts/kafka-test-broker.sh after the broker logs that it started.
//
//   node scripts/kafka/wait-ready.mjs <host:port[,host:port]> [timeoutMs=30000]
//
// Exit 0 when ready, 1 on timeout or bad arguments.
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

const brokers = (process.argv[2] ?? '').split(',').filter(Boolean);
const timeoutMs = Number(process.argv[3] ?? 30_000);
if (brokers.length === 0 || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error('usage: wait-ready.mjs <host:port[,host:port]> [timeoutMs]');
  process.exit(1);
}

// Failed attempts are expected while the broker boots; we do our own polling, so keep kafkajs
// quiet and stop it from retrying internally.
const kafka = new Kafka({
  clientId: 'parley-kafka-wait-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1_000,
  requestTimeout: 2_000,
  retry: { retries: 0 },
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + timeoutMs;
let lastError;

while (Date.now() < deadline) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0 && cluster.controller !== null) {
      await admin.disconnect();
      process.exit(0);
    }
    lastError = new Error('cluster has no brokers or controller yet');
  } catch (error) {
    lastError = error;
  }
  await admin.disconnect().catch(() => {});
  await sleep(250);
}

console.error(`wait-ready: ${brokers.join(',')} not ready after ${timeoutMs} ms: ${lastError?.message ?? 'unknown'}`);
process.exit(1);
