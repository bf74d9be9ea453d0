import { Logger } from '@nestjs/common';
import { LogEntry, logCreator, logLevel } from 'kafkajs';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/** One kafkajs entry as Parley logs it: a level, kafkajs' message, and kafkajs' fields under `kafka`. */
export interface KafkaLogLine {
  level: KafkaLogLevel;
  msg: string;
  kafka: Record<string, unknown>;
}

/**
 * kafkajs' texts of the broker errors that a client meets while a cluster starts or moves
 * partitions, and that kafkajs itself retries: coordinator and leader elections, rebalances,
 * and a controller or partition leader that moved. They come as the `error` of a
 * `Response <Api>` entry of the Connection, at kafkajs' error level.
 */
const transientBrokerErrors: ReadonlySet<string> = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'The group is rebalancing, so a rejoin is needed',
  'This is not the correct controller for this cluster',
]);

/** Connecting to a broker that is not (yet) listening; kafkajs retries, and says so at error level once out of retries. */
function isConnectionRetry(namespace: string, message: string): boolean {
  if (namespace === 'Connection') return message.startsWith('Connection error:') || message === 'Connection timeout';
  if (namespace === 'BrokerPool')
    return message.startsWith('Failed to connect to seed broker') || message === 'Failed to connect to broker, reconnecting';
  return false;
}

/**
 * The level of a kafkajs entry, and whether it is a retried, transient condition. kafkajs logs
 * every failed response at error even when it retries it; those that a starting or rebalancing
 * cluster produces are at info (retried within the request), connection retries at warn (the
 * broker may be down; kafkajs says so at error once it gives up). Give-ups stay at error.
 */
function classify(entry: LogEntry): { level: KafkaLogLevel; transient: boolean } {
  const { namespace } = entry;
  const message = String(entry.log.message);
  const error = typeof entry.log['error'] === 'string' ? entry.log['error'] : undefined;
  if (message.startsWith('Response ')) {
    if (error !== undefined && transientBrokerErrors.has(error)) return { level: 'info', transient: true };
    // The admin's CreateTopics: all "already exists" (another replica won the race) is a success
    // to kafkajs; any other failure reaches ensureTopics' caller as an error, so the entry says nothing more.
    if (error === 'Topic creation errors') return { level: 'debug', transient: true };
  }
  if (isConnectionRetry(namespace, message)) return { level: 'warn', transient: true };
  // A producer's send that kafkajs retries after refreshing metadata (a leader moved, a broker
  // restarted); once out of retries the send fails and its caller reports it.
  if (message.startsWith('Failed to send messages: ')) return { level: 'warn', transient: true };
  if (message === 'The group is rebalancing, re-joining') return { level: 'info', transient: true };
  if (
    message === 'The coordinator is not aware of this member, re-joining the group' ||
    message.startsWith('Restarting the consumer in ')
  ) {
    return { level: 'warn', transient: true };
  }
  // Warnings about settings Parley chose on purpose: the outbox producer's bounded retries (the
  // relay retries the batch), and v2's default partitioner (Parley never used v1's).
  if (
    message === 'Limiting retries for the idempotent producer may invalidate EoS guarantees' ||
    message.startsWith('KafkaJS v2.0.0 switched default partitioner')
  ) {
    return { level: 'debug', transient: false };
  }
  switch (entry.level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return { level: 'error', transient: false };
    case logLevel.WARN:
      return { level: 'warn', transient: false };
    // kafkajs' info is its consumers' start, stop and group joins: boot chatter of a healthy process.
    default:
      return { level: 'debug', transient: false };
  }
}

const severity: Record<KafkaLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The most severe level an entry may get: kafkajs' own (its debug repeats each failed response, for example). */
function ceiling(level: logLevel): KafkaLogLevel {
  if (level === logLevel.DEBUG) return 'debug';
  if (level === logLevel.INFO) return 'info';
  if (level === logLevel.WARN) return 'warn';
  return 'error';
}

/** Maps one kafkajs entry to Parley's level and fields (kafkajs' own fields, never a JSON string in the message). */
export function kafkaLogLine(entry: LogEntry): KafkaLogLine {
  const classified = classify(entry);
  const cap = ceiling(entry.level);
  const level = severity[classified.level] > severity[cap] ? cap : classified.level;
  const { transient } = classified;
  // kafkajs' timestamp and logger name repeat what every line has; its message is the line's message.
  const { timestamp: _timestamp, logger: _logger, message, stack, ...fields } = entry.log as unknown as Record<string, unknown>;
  // kafkajs' root logger (the partitioner notice) has no namespace.
  const kafka: Record<string, unknown> = { ...(entry.namespace ? { namespace: entry.namespace } : {}), ...fields };
  // A stack of a retried condition is noise; a real failure keeps it.
  if (stack !== undefined && level === 'error') kafka['stack'] = stack;
  if (transient) kafka['retriable'] = true;
  return { level, msg: String(message), kafka };
}

/**
 * kafkajs' `logCreator` for every Kafka client Parley creates (Nest's server and client
 * included): each entry goes through Nest's logger — pino in a Parley process — at the mapped
 * level, with context `Kafka`.
 */
export const kafkaLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return (entry) => {
    const { level, msg, kafka } = kafkaLogLine(entry);
    const line = { msg, kafka };
    if (level === 'error') logger.error(line);
    else if (level === 'warn') logger.warn(line);
    else if (level === 'info') logger.log(line);
    else logger.debug(line);
  };
};

/**
 * kafkajs' own level for Parley's clients: info, so that group joins reach the process's logger
 * (which writes them at debug). kafkajs' debug (every request) stays off unless KAFKAJS_LOG_LEVEL asks.
 */
export const kafkaClientLogLevel = logLevel.INFO;
