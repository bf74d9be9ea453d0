import { z } from 'zod';
import { envDocs } from './env-key';

/** Raised when the environment does not describe a runnable service; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  /** The problems `fn` refuses with; throws what else it throws, and when it accepts (a check that expected a refusal). */
  static problemsOf(fn: () => unknown): string[] {
    try {
      fn();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }
}

/** Parses `env` with `schema`; throws ConfigError naming each offending variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // An empty variable means "not set" (what `FOO= cmd` and empty compose entries produce).
  const present: Record<string, string | undefined> = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const { readFrom, problems: aliasProblems } = applyFormerNames(schema, present);
  const result = schema.safeParse(present);
  if (result.success && aliasProblems.length === 0) return result.data;
  const problems = (result.error?.issues ?? []).map((issue) => {
    const key = issue.path.join('.') || '(environment)';
    // A value given under a former name is reported under that name: the one the operator wrote.
    const name = readFrom.get(key) ?? key;
    const value = issue.path.length === 1 ? present[key] : undefined;
    return `${name}: ${issue.message}${value === undefined ? '' : ` (got "${redactIfSecret(name, value)}")`}`;
  });
  throw new ConfigError([...aliasProblems, ...problems]);
}

/**
 * Moves the values of former names (`formerNameOf`) to their current keys in `env`. Returns which
 * current keys were read from which former name, and the conflicts (both set, differently).
 */
function applyFormerNames(schema: z.ZodType, env: Record<string, string | undefined>) {
  const readFrom = new Map<string, string>();
  const problems: string[] = [];
  if (!(schema instanceof z.ZodObject)) return { readFrom, problems };
  for (const [formerName, keySchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const current = envDocs.get(keySchema)?.aliasOf;
    const value = env[formerName];
    if (current === undefined || value === undefined) continue;
    delete env[formerName];
    if (env[current] !== undefined && env[current] !== value) {
      problems.push(`${formerName}: the former name of ${current}, which is set to another value; set only ${current}`);
      continue;
    }
    env[current] = value;
    readFrom.set(current, formerName);
  }
  return { readFrom, problems };
}

function redactIfSecret(name: string, value: string): string {
  return /PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL/i.test(name) ? '<redacted>' : value;
}
