// One EWS deployment as a real client (ews-javascript-api) sees it, so that each client flow is one
// suite run against both: the embedded app (one process, demo users) and the four services over
// Kafka (users created with the admin CLI). The scenario modules (*.scenarios.ts) take a getter of
// this interface and declare their cases; each deployment's spec starts its deployment once.
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';

/** The users every deployment has; `app` holds ApplicationImpersonation. */
export type EwsUser = 'alice' | 'bob' | 'carol' | 'app';

/** Display names of the users: the embedded app's demo users have them, the Kafka deployment gets them. */
export const EWS_DISPLAY_NAMES: Readonly<Record<EwsUser, string>> = { alice: 'Alice Archer', bob: 'Bob Baker', carol: 'Carol Chen', app: 'Line-of-business app' };

/** The external URL clients are told to use (`PARLEY_PUBLIC_URL`, as behind a load balancer). */
export const EWS_PUBLIC_URL = 'https://mail.parley.test';
/**
 * The largest request body the gateway accepts (`PARLEY_HTTP_BODY_LIMIT_BYTES`): the production
 * default, so that the hostile bodies of ews-bounded-work.scenarios.ts are sized as a real attacker's.
 */
export const EWS_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** Failed sign-ins per account before `ErrorServerBusy` (`PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT`). */
export const EWS_MAX_FAILURES_PER_ACCOUNT = 3;

/** What every deployment's gateway is started with, so that the scenarios can rely on it. */
const EWS_ENV: NodeJS.ProcessEnv = {
  PARLEY_PUBLIC_URL: `${EWS_PUBLIC_URL}/`,
  PARLEY_HTTP_BODY_LIMIT_BYTES: String(EWS_BODY_LIMIT_BYTES),
  PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT: String(EWS_MAX_FAILURES_PER_ACCOUNT),
};

export interface EwsDeployment {
  /** The gateway's base URL (`http://127.0.0.1:<port>`). */
  readonly base: string;
  /** A user's address in this deployment; `nobody` is never created (an unknown mailbox). */
  address(user: EwsUser | 'nobody'): string;
  /** A user's password in this deployment. */
  password(user: EwsUser): string;
  /** A client with the user's Basic credentials against the gateway. */
  client(user: EwsUser): ews.ExchangeService;
  stop(): Promise<void>;
}

/** The built embedded app with its demo users (`alice@parley.test`, password `alice-demo-pw`). */
export async function startEmbeddedEwsDeployment(): Promise<EwsDeployment> {
  useNodeXhr();
  const { base, stop } = await startEmbeddedParley(EWS_ENV);
  return {
    base,
    address: (user) => `${user}@parley.test`,
    password: (user) => `${user}-demo-pw`,
    client: (user) => ewsService(base, `${user}@parley.test`, `${user}-demo-pw`),
    stop,
  };
}

export interface KafkaEwsDeployment extends EwsDeployment {
  /** The processes, broker, admin CLI and the rest, for the cases only this deployment has. */
  readonly kafka: KafkaDeployment;
}

/** The four services over their own Kafka broker and a fresh database; the users made by the CLI. */
export async function startKafkaEwsDeployment(prefix: string): Promise<KafkaEwsDeployment> {
  const users: EwsUser[] = ['alice', 'bob', 'carol', 'app'];
  const kafka = await startKafkaDeployment({ prefix, users, impersonators: ['app'], displayNames: EWS_DISPLAY_NAMES, env: EWS_ENV });
  return {
    kafka,
    base: kafka.base,
    address: (user) => kafka.address(user),
    password: (user) => kafka.password(kafka.address(user)),
    client: (user) => kafka.as(kafka.address(user)),
    stop: () => kafka.stop(),
  };
}

/** The EWS error a call fails with, by name; throws if the call succeeds. */
export async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    // Per-item errors arrive as ServiceResponseException (ErrorCode), faults as SoapFaultDetails (ResponseCode).
    const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
    const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
    return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
  }
  throw new Error('expected the call to fail');
}

/** The client, set to act for `address` by ApplicationImpersonation (the server decides whether it may). */
export function impersonating(service: ews.ExchangeService, address: string): ews.ExchangeService {
  service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, address);
  return service;
}
