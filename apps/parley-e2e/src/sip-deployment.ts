// One deployment as SIP clients (and the JSON-protocol, EWS and SMTP clients the SIP cases talk to)
// see it, so that sip.scenarios.ts runs against both: the embedded app (one process) and the four
// services over Kafka with two presence-bridge replicas. The scenarios put the watchers on replica A
// and the users they watch on replica B; in the embedded app both are the one process.
import type * as ews from 'ews-javascript-api';
import { EmbeddedParley, ewsService, runAdmin } from './ews-embedded';
import { KafkaDeployment } from './kafka-deployment';

/** The users the SIP cases need, each with one role (sip.scenarios.ts says which). */
export const SIP_USERS = ['watcher', 'registrar', 'publisher', 'json', 'oof', 'meeting', 'absent'] as const;
export type SipUser = (typeof SIP_USERS)[number];

/** A presence-bridge replica: A holds the watchers, B the users they watch (the same process when there is one). */
export type Replica = 'A' | 'B';

export interface SipDeployment {
  address(user: SipUser): string;
  password(user: SipUser): string;
  /** SIP over WebSocket (RFC 7118) on `replica`: `ws://127.0.0.1:<port>/sip`. */
  sipUrl(replica: Replica): string;
  /** The JSON presence protocol's WebSocket on `replica`. */
  presenceUrl(replica: Replica): string;
  /** An ews-javascript-api client of `user` against the deployment's EWS endpoint. */
  ews(user: SipUser): ews.ExchangeService;
  /** The SMTP trusted relay's port on 127.0.0.1 (how a PBX deposits voicemail, docs/smtp.md). */
  readonly smtpRelayPort: number;
}

/** Prefix of the SIP users' local parts in a deployment shared with other cases (`sip-watcher-<run>@…`). */
const KAFKA_PREFIX = 'sip-';

/** The local parts `startKafkaDeployment` must create for `kafkaSipDeployment`. */
export const KAFKA_SIP_USERS: readonly string[] = SIP_USERS.map((u) => `${KAFKA_PREFIX}${u}`);

/** The Kafka deployment (two presence-bridge replicas or more; users `KAFKA_SIP_USERS` created; the relay on `smtpRelayPort`). */
export function kafkaSipDeployment(d: KafkaDeployment, smtpRelayPort: number): SipDeployment {
  if (d.presenceBridges.length < 2) throw new Error('the SIP scenarios need two presence-bridge replicas');
  const base = (replica: Replica) => d.presenceBridges[replica === 'A' ? 0 : 1].base.replace('http:', 'ws:');
  const address = (user: SipUser) => d.address(`${KAFKA_PREFIX}${user}`);
  return {
    address,
    password: (user) => d.password(address(user)),
    sipUrl: (replica) => `${base(replica)}/sip`,
    presenceUrl: (replica) => `${base(replica)}/presence`,
    ews: (user) => d.as(address(user)),
    smtpRelayPort,
  };
}

/** The embedded app, with the SIP users added by the admin CLI as an operator adds users (the demo users belong to other cases). */
export async function embeddedSipDeployment(parley: EmbeddedParley): Promise<SipDeployment> {
  const address = (user: SipUser) => `sip-${user}@parley.test`;
  const password = (user: SipUser) => `sip-${user}-pw`;
  await Promise.all(
    SIP_USERS.map((user) =>
      runAdmin(parley.databaseUrl(), ['user', 'add', address(user), '--name', `SIP ${user}`, '--password', password(user)]),
    ),
  );
  const ws = parley.base.replace('http:', 'ws:');
  return {
    address,
    password,
    sipUrl: () => `${ws}/sip`,
    presenceUrl: () => `${ws}/presence`,
    ews: (user) => ewsService(parley.base, address(user), password(user)),
    smtpRelayPort: parley.smtp.relay,
  };
}
