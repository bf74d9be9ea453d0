// One EWS deployment as a real client (ews-javascript-api) sees it, so that each client flow is one
// suite run against both: the embedded app (one process, demo users) and the four services over
// Kafka (users created with the admin CLI). The scenario modules (*.scenarios.ts) take a getter of
// this interface and declare their cases; each deployment's spec starts its deployment once.
import { freePort } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, runAdmin, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';

/** The users every deployment has; `app` holds ApplicationImpersonation. */
export type EwsUser = 'alice' | 'bob' | 'carol' | 'app';

/** Display names of the users: the embedded app's demo users have them, the Kafka deployment gets them. */
export const EWS_DISPLAY_NAMES: Readonly<Record<EwsUser, string>> = {
  alice: 'Alice Archer',
  bob: 'Bob Baker',
  carol: 'Carol Chen',
  app: 'Line-of-business app',
};

/** The external URL clients are told to use (`PARLEY_PUBLIC_URL`, as behind a load balancer). */
export const EWS_PUBLIC_URL = 'https://mail.parley.test';
/**
 * The largest request body the gateway accepts (`PARLEY_HTTP_BODY_LIMIT_BYTES`): the production
 * default, so that the hostile bodies of ews-bounded-work.scenarios.ts are sized as a real attacker's.
 */
export const EWS_BODY_LIMIT_BYTES = 10 * 1024 * 1024;
/** Failed sign-ins of one account from one client address before `ErrorServerBusy` (`PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS`). */
export const EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS = 3;
/** Failed sign-ins from one client address before `ErrorServerBusy` (`PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS`, its default). */
export const EWS_MAX_FAILURES_PER_ADDRESS = 100;
/** The delay each failure of an account adds to its next sign-ins (`PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS`), short for the tests. */
export const EWS_ACCOUNT_DELAY_STEP_MS = 20;
/** The load balancer in front of the gateway (`PARLEY_TRUSTED_PROXIES`): a loopback address tests can bind. */
export const EWS_TRUSTED_PROXY = '127.0.0.4';

/** How long a request body may take to arrive (`PARLEY_HTTP_BODY_TIMEOUT_MS`); short, so the stall case is quick. */
export const EWS_BODY_TIMEOUT_MS = 3000;
/** The gateway's connection cap (`PARLEY_HTTP_MAX_CONNECTIONS`): above what the client scenarios open at once. */
export const EWS_MAX_CONNECTIONS = 200;

/** What every deployment's gateway is started with, so that the scenarios can rely on it. */
const EWS_ENV: NodeJS.ProcessEnv = {
  PARLEY_PUBLIC_URL: `${EWS_PUBLIC_URL}/`,
  PARLEY_HTTP_BODY_LIMIT_BYTES: String(EWS_BODY_LIMIT_BYTES),
  PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(EWS_MAX_FAILURES_PER_ACCOUNT_ADDRESS),
  PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS: String(EWS_MAX_FAILURES_PER_ADDRESS),
  PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: String(EWS_ACCOUNT_DELAY_STEP_MS),
  PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: '200',
  PARLEY_TRUSTED_PROXIES: EWS_TRUSTED_PROXY,
  PARLEY_HTTP_BODY_TIMEOUT_MS: String(EWS_BODY_TIMEOUT_MS),
  PARLEY_HTTP_MAX_CONNECTIONS: String(EWS_MAX_CONNECTIONS),
  // The push scenarios' listener runs in the test, on loopback: allowed explicitly (loopback is refused by default).
  PARLEY_EWS_PUSH_ALLOWED: '127.0.0.1/32',
};

export interface EwsDeployment {
  /** The gateway's base URL (`http://127.0.0.1:<port>`). */
  readonly base: string;
  /** The gateway's metrics listener (`http://127.0.0.1:<PARLEY_METRICS_PORT>`). */
  readonly metricsBase: string;
  /** A user's address in this deployment; `nobody` is never created (an unknown mailbox). */
  address(user: EwsUser | 'nobody'): string;
  /** A user's password in this deployment. */
  password(user: EwsUser): string;
  /** A client with the user's Basic credentials against the gateway. */
  client(user: EwsUser): ews.ExchangeService;
  /** Creates a user with the admin CLI, as an operator does (for cases that need one no client has signed in as). */
  addUser(localPart: string, password: string): Promise<string>;
  /** The SMTP submission port (587's role, STARTTLS + AUTH) on 127.0.0.1. */
  readonly smtpSubmissionPort: number;
  stop(): Promise<void>;
}

/** The built embedded app with its demo users (`alice@parley.test`, password `alice-demo-pw`). */
export async function startEmbeddedEwsDeployment(): Promise<EwsDeployment> {
  useNodeXhr();
  const parley = await startEmbeddedParley(EWS_ENV);
  const { base, metricsBase, stop } = parley;
  return {
    base,
    metricsBase,
    smtpSubmissionPort: parley.smtp.submission,
    address: (user) => `${user}@parley.test`,
    password: (user) => `${user}-demo-pw`,
    client: (user) => ewsService(base, `${user}@parley.test`, `${user}-demo-pw`),
    addUser: async (localPart, password) => {
      const address = `${localPart}@parley.test`;
      await runAdmin(parley.databaseUrl(), ['user', 'add', address, '--name', localPart, '--password', password]);
      return address;
    },
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
  // One voicemail-ingest process: it may take the SMTP submission port the scenarios deliver through.
  const smtpSubmissionPort = await freePort();
  const env = { ...EWS_ENV, PARLEY_SMTP_SUBMISSION_PORT: String(smtpSubmissionPort) };
  const kafka = await startKafkaDeployment({ prefix, users, impersonators: ['app'], displayNames: EWS_DISPLAY_NAMES, env });
  return {
    kafka,
    smtpSubmissionPort,
    base: kafka.base,
    metricsBase: kafka.metricsBase,
    address: (user) => kafka.address(user),
    password: (user) => kafka.password(kafka.address(user)),
    client: (user) => kafka.as(kafka.address(user)),
    addUser: async (localPart, password) => {
      const address = kafka.address(localPart);
      await kafka.admin(['user', 'add', address, '--name', localPart, '--password', password]);
      return address;
    },
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
