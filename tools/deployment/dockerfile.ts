// A small reader of the repository's Dockerfile, enough for the deployment tests to check it against
// package.json, the webpack configs and docker-compose.yml: instructions per stage, with line
// continuations and comments handled as Docker does. Not a general Dockerfile parser (no heredocs,
// no escape directive, no ARG substitution).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, each with the instructions after its FROM. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i].trim();
    if (logical === '' || logical.startsWith('#')) continue;
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      logical = logical.slice(0, -1).trimEnd();
      // Docker drops comment lines inside a continued instruction.
      do i++;
      while (i < lines.length && lines[i].trim().startsWith('#'));
      if (i < lines.length) logical += ` ${lines[i].trim()}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(logical);
    if (!match) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2], line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = words(instruction.args).filter((w) => !w.startsWith('--platform'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`);
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** Splits on blanks, keeping double- or single-quoted runs in the word they belong to (quotes removed): `a="b c"` is `a=b c`. */
export function words(text: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current ??= '';
    } else if (/\s/.test(c)) {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

/** `KEY=value` pairs of ENV and LABEL instructions (the `KEY value` legacy form too). */
export function keyValues(stage: Stage, keyword: 'ENV' | 'LABEL'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === keyword)) {
    const parts = words(args);
    if (parts.length > 0 && !parts[0].includes('=')) {
      out[parts[0]] = parts.slice(1).join(' ');
      continue;
    }
    for (const part of parts) {
      const eq = part.indexOf('=');
      out[part.slice(0, eq)] = part.slice(eq + 1);
    }
  }
  return out;
}

/** The JSON array of an exec-form instruction (CMD, ENTRYPOINT, HEALTHCHECK's CMD), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(trimmed);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

export function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The last one of `keyword` in the stage (CMD, ENTRYPOINT, USER, WORKDIR: the last one counts). */
export function lastInstruction(stage: Stage, keyword: string): Instruction | undefined {
  return instructions(stage, keyword).at(-1);
}

/** The stage's working directory after its last WORKDIR (absolute ones only; `/` without). */
export function workdirOf(stage: Stage): string {
  let dir = '/';
  for (const { args } of instructions(stage, 'WORKDIR')) dir = path.posix.resolve(dir, args.trim());
  return dir;
}

/** A COPY: its `--from` stage (undefined: the build context), sources and destination (resolved against the stage's WORKDIR at that point). */
export interface Copy {
  from?: string;
  sources: string[];
  destination: string;
}

export function copiesOf(stage: Stage): Copy[] {
  let dir = '/';
  const copies: Copy[] = [];
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') dir = path.posix.resolve(dir, instruction.args.trim());
    if (instruction.keyword !== 'COPY') continue;
    const parts = execForm(instruction.args) ?? words(instruction.args);
    const flags = parts.filter((p) => p.startsWith('--'));
    const paths = parts.filter((p) => !p.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    copies.push({ from, sources: paths.slice(0, -1), destination: path.posix.resolve(dir, paths.at(-1) as string) });
  }
  return copies;
}

export function readDockerfile(root: string): Stage[] {
  return parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
}

/** The webpack configs a stage's RUN instructions build (`webpack-cli … --config <path>`), relative to the build context. */
export function webpackConfigsBuilt(stage: Stage): string[] {
  return instructions(stage, 'RUN')
    .filter((run) => /\bwebpack(-cli)?\b/.test(run.args))
    .flatMap((run) => [...run.args.matchAll(/--config[= ]+(\S+)/g)].map((m) => m[1]));
}

interface WebpackConfig {
  entry: Record<string, unknown>;
  output: { path: string; filename: string };
}

/** The bundles a webpack config writes, relative to the repository root (`dist/apps/<app>/main.js`). */
export function webpackOutputs(root: string, configFile: string): string[] {
  const loaded = require(path.join(root, configFile)) as WebpackConfig | WebpackConfig[];
  return (Array.isArray(loaded) ? loaded : [loaded]).flatMap((config) =>
    Object.keys(config.entry).map((name) =>
      path.relative(root, path.join(config.output.path, config.output.filename.replace('[name]', name))),
    ),
  );
}

/**
 * The app bundles the final stage holds, relative to its WORKDIR (what a command such as
 * `node dist/apps/<app>/main.js` names): each webpack output of the build stage, followed through the
 * build stage's copy of the context and the final stage's `COPY --from`.
 */
export function bundlesInImage(root: string, stages: Stage[]): string[] {
  const build = stages.find((s) => webpackConfigsBuilt(s).length > 0);
  if (!build) throw new Error('no stage runs webpack');
  const buildDir = workdirOf(build);
  const copiesContext = copiesOf(build).some((c) => c.from === undefined && c.sources.includes('.') && c.destination === buildDir);
  if (!copiesContext) throw new Error(`the build stage does not copy the build context into its WORKDIR (${buildDir})`);
  const runtime = stages[stages.length - 1];
  const fromBuild = copiesOf(runtime).filter((c) => c.from !== undefined && c.from === build.name);
  const bundles: string[] = [];
  for (const output of webpackConfigsBuilt(build).flatMap((config) => webpackOutputs(root, config))) {
    const built = path.posix.join(buildDir, output);
    for (const copy of fromBuild) {
      for (const source of copy.sources.map((s) => path.posix.resolve(buildDir, s))) {
        if (built === source || built.startsWith(`${source}/`)) {
          bundles.push(path.posix.relative(workdirOf(runtime), copy.destination + built.slice(source.length)));
        }
      }
    }
  }
  return bundles;
}
