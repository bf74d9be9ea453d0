import { z } from 'zod';

/** What an operator needs to know about one environment variable; kept beside its schema. */
export interface EnvKeyDoc {
  /** Markdown, one sentence or a few; the README table and `.env.example` print it. */
  description: string;
  /** The default as it would be written in the environment; parsed exactly like a set value. */
  default?: string;
  /** Without a literal default: what leaving it unset means (`required`, `parley-<service>`, …). */
  whenUnset?: string;
  /** A retired key that is refused with a pointer to its successor; left out of the docs. */
  retired?: true;
  /** A former name still read: `parseEnv` takes its value as this key's; the docs list it beside this key. */
  aliasOf?: string;
}

/** The docs of every environment variable, by the schema instance that reads it. */
export const envDocs = z.registry<EnvKeyDoc, z.ZodType>();

/** A variable with a default: `text` is applied as if the operator had set it, so it passes the same checks. */
export function withDefault<S extends z.ZodType>(schema: S, text: string, description: string) {
  const keyed = schema.prefault(text as z.input<S>);
  envDocs.add(keyed, { description, default: text });
  return keyed;
}

/** A variable without a literal default (`schema` handles the unset case itself). */
export function withoutDefault<S extends z.ZodType>(schema: S, whenUnset: string, description: string): S {
  // The docs are found by schema instance: one shared by two variables would document only the last.
  if (envDocs.has(schema)) throw new Error(`a schema instance already documents another variable (declaring "${description}")`);
  envDocs.add(schema, { description, whenUnset });
  return schema;
}

/** A replaced variable: setting it fails start-up with `message` (naming what replaced it). */
export function retired(message: string) {
  return z.never({ error: message }).optional().register(envDocs, { description: message, retired: true });
}

/**
 * A renamed variable that is still read: `parseEnv` validates its value as `current`'s (and refuses
 * the two set to different values), so configurations written for the old name keep working.
 */
export function formerNameOf(current: string) {
  return z
    .string()
    .optional()
    .register(envDocs, { description: `former name of \`${current}\`, still read`, aliasOf: current });
}

export const boolText = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

export const portNumber = z.coerce.number().int().min(0).max(65535);

/** An integer in [min, max]. */
export function intBetween(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

export const instanceName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');
