import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The boundary matrix in eslint.config.mjs, exercised on synthetic files: tests follow their own
// project's matrix (scopes included) and may add only the `type:testing` projects.

interface LintMessage {
  readonly ruleId: string | null;
  readonly line: number;
  readonly message: string;
}

interface Probe {
  readonly name: string;
  readonly filePath: string;
  readonly imports: string;
  /** The boundary error expected (a fragment of its message), or null when the import is allowed. */
  readonly error: string | null;
}

const SERVICE_SCOPE = (scope: string) =>
  `A project tagged with "scope:${scope}" can only depend on libs tagged with "scope:${scope}", "scope:shared"`;

const probes: readonly Probe[] = [
  {
    name: "a unit spec importing another service's lib",
    filePath: 'libs/calendar-sync/feature-calendar/src/lib/boundary-probe.spec.ts',
    imports: '@parley/ews-gateway/soap',
    error: SERVICE_SCOPE('calendar-sync'),
  },
  {
    name: "an integration spec in an app importing another service's data-access",
    filePath: 'apps/ews-gateway/src/boundary-probe.integration-spec.ts',
    imports: '@parley/calendar-sync/data-access',
    error: SERVICE_SCOPE('ews-gateway'),
  },
  {
    name: "a test bed under test/ importing another service's lib",
    filePath: 'libs/calendar-sync/feature-tasks/test/boundary-probe.ts',
    imports: '@parley/presence-bridge/data-access',
    error: SERVICE_SCOPE('calendar-sync'),
  },
  {
    name: "a service's spec importing a lib of a service that has no feature lib yet",
    filePath: 'libs/presence-bridge/feature-presence/src/lib/boundary-probe.spec.ts',
    imports: '@parley/voicemail-ingest/data-access',
    error: SERVICE_SCOPE('presence-bridge'),
  },
  {
    name: 'a util spec importing a higher layer of its own scope',
    filePath: 'libs/shared/calendar-time/src/lib/boundary-probe.spec.ts',
    imports: '@parley/directory',
    error: 'A project tagged with "type:util" can only depend on libs tagged with "type:util", "type:contracts", "type:testing"',
  },
  {
    name: 'production code importing the testing lib',
    filePath: 'libs/calendar-sync/feature-calendar/src/lib/boundary-probe.ts',
    imports: '@parley/testing',
    error: 'A project tagged with "type:feature" can only depend on libs tagged with "type:data-access", "type:util", "type:contracts"',
  },
  {
    name: 'a feature spec importing the testing lib',
    filePath: 'libs/calendar-sync/feature-calendar/src/lib/boundary-probe.spec.ts',
    imports: '@parley/testing',
    error: null,
  },
  {
    name: 'a util integration spec importing the testing lib',
    filePath: 'libs/shared/persistence/src/lib/boundary-probe.integration-spec.ts',
    imports: '@parley/testing',
    error: null,
  },
  {
    name: 'an app integration spec importing the testing lib',
    filePath: 'apps/parley-admin/src/boundary-probe.integration-spec.ts',
    imports: '@parley/testing',
    error: null,
  },
  {
    name: "a feature spec importing its own service's data-access",
    filePath: 'libs/calendar-sync/feature-calendar/src/lib/boundary-probe.spec.ts',
    imports: '@parley/calendar-sync/data-access',
    error: null,
  },
  {
    name: "a protocol front importing its service's core (a role:core feature)",
    filePath: 'libs/presence-bridge/feature-graph/src/lib/boundary-probe.ts',
    imports: '@parley/presence-bridge/feature-presence',
    error: null,
  },
  {
    name: 'a feature importing another feature that is no core',
    filePath: 'libs/calendar-sync/feature-oof/src/lib/boundary-probe.ts',
    imports: '@parley/calendar-sync/feature-calendar',
    error:
      'A project tagged with "type:feature" can only depend on libs tagged with "type:data-access", "type:util", "type:contracts", "role:core"',
  },
  {
    name: "a protocol front importing another service's core",
    filePath: 'libs/ews-gateway/feature-autodiscover/src/lib/boundary-probe.ts',
    imports: '@parley/presence-bridge/feature-presence',
    error: SERVICE_SCOPE('ews-gateway'),
  },
  {
    name: "a front's test bed importing its service's testing lib (which composes the core)",
    filePath: 'libs/presence-bridge/feature-sip/test/boundary-probe.ts',
    imports: '@parley/presence-bridge/testing',
    error: null,
  },
  {
    name: "production code importing its service's testing lib",
    filePath: 'libs/presence-bridge/feature-sip/src/lib/boundary-probe.ts',
    imports: '@parley/presence-bridge/testing',
    error:
      'A project tagged with "type:feature" can only depend on libs tagged with "type:data-access", "type:util", "type:contracts", "role:core"',
  },
  {
    name: "another service's spec importing presence-bridge's testing lib",
    filePath: 'libs/calendar-sync/feature-calendar/src/lib/boundary-probe.spec.ts',
    imports: '@parley/presence-bridge/testing',
    error: SERVICE_SCOPE('calendar-sync'),
  },
  {
    name: "the embedded app's spec importing any service's libs",
    filePath: 'apps/parley/src/boundary-probe.spec.ts',
    imports: '@parley/calendar-sync/data-access',
    error: null,
  },
];

function lint(files: readonly { filePath: string; code: string }[]): LintMessage[][] {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'lint-text.mjs')], {
    input: JSON.stringify(files),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (run.status !== 0) throw new Error(`tools/lint-text.mjs failed (exit ${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout) as LintMessage[][];
}

describe('module boundaries', () => {
  let results: LintMessage[][];

  beforeAll(() => {
    results = lint(
      probes.map(({ filePath, imports }) => ({
        filePath,
        code: `import * as target from '${imports}';\n\nexport const probe = target;\n`,
      })),
    );
  }, 120_000);

  it.each(probes.map((probe, index) => [probe.name, probe, index] as const))('%s', (_name, probe, index) => {
    const messages = results[index];
    if (probe.error === null) {
      expect(messages).toEqual([]);
    } else {
      expect(messages).toEqual([{ ruleId: '@nx/enforce-module-boundaries', line: 1, message: expect.stringContaining(probe.error) }]);
    }
  });
});
