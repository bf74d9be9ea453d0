import { z } from 'zod';

/** Raised when the environment does not describe a runnable service; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses `env` with `schema`; throws ConfigError naming each offending variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // An empty variable means "not set" (what `FOO= cmd` and empty compose entries produce).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return `${name}: ${issue.message}${value === undefined ? '' : ` (got "${redactIfSecret(name, value)}")`}`;
  });
  throw new ConfigError(problems);
}

function redactIfSecret(name: string, value: string): string {
  return /PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL/i.test(name) ? '<redacted>' : value;
}
