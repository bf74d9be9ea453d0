#!/usr/bin/env node
// Builds the web client into dist/apps/parley-web: hashed, minified assets with source maps, the
// index.html that names them, the favicon, and a gzip copy of every text file (served precompressed).
// Fails when the first view's JavaScript is over budget or when server code slipped into the bundle.
//   node apps/parley-web/build.mjs            build
//   node apps/parley-web/build.mjs --quiet    build, print only the size line
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const appDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(appDir, '..', '..');
const outDir = path.join(root, 'dist', 'apps', 'parley-web');
const assetsDir = path.join(outDir, 'assets');

/**
 * The budget for the first view: all JavaScript the page loads before it can be used,
 * gzipped. Lit is ~7 KB of it; the rest is ours. Raise it only with a reason in docs/web-client.md.
 */
export const FIRST_VIEW_JS_BUDGET_BYTES = 150 * 1024;

/** Nothing from the server side may reach the bundle: the protocol's types are imported as types only. */
const FORBIDDEN_INPUTS = [/(^|\/)node_modules\/zod\//, /(^|\/)libs\//];

const TEXT_EXTENSIONS = new Set(['.html', '.js', '.css', '.map', '.svg', '.json', '.txt']);

function gzip(buffer) {
  return gzipSync(buffer, { level: constants.Z_BEST_COMPRESSION });
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

export async function buildWeb({ quiet = false } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(assetsDir, { recursive: true });

  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: path.join(appDir, 'src', 'main.ts'), styles: path.join(appDir, 'src', 'global.css') },
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    tsconfig: path.join(appDir, 'tsconfig.app.json'),
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const forbidden = Object.keys(result.metafile.inputs).filter((input) => FORBIDDEN_INPUTS.some((pattern) => pattern.test(input)));
  if (forbidden.length > 0) {
    throw new Error(`server code in the web bundle (import it with \`import type\`):\n  ${forbidden.join('\n  ')}`);
  }

  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name) => {
    const found = outputs.find(([, output]) => output.entryPoint && output.entryPoint.endsWith(name));
    if (!found) throw new Error(`no output for ${name}`);
    return found;
  };
  const [appJs, appMeta] = entry('src/main.ts');
  const [stylesCss] = entry('src/global.css');
  // Absolute paths: the gateway serves the client at `/`, and index.html may answer other paths too.
  const relative = (file) => `/${path.relative(outDir, path.join(root, file)).split(path.sep).join('/')}`;

  // The first view: the entry script and the chunks it imports statically.
  const firstView = new Set([appJs]);
  const queue = [appMeta];
  while (queue.length > 0) {
    const output = queue.pop();
    for (const imported of output.imports ?? []) {
      if (imported.kind === 'import-statement' && !firstView.has(imported.path)) {
        firstView.add(imported.path);
        queue.push(result.metafile.outputs[imported.path]);
      }
    }
  }
  const firstViewGzip = [...firstView].reduce((sum, file) => sum + gzip(readFileSync(path.join(root, file))).length, 0);

  const faviconSvg = readFileSync(path.join(appDir, 'src', 'favicon.svg'));
  const faviconName = `favicon-${createHash('sha256').update(faviconSvg).digest('hex').slice(0, 8).toUpperCase()}.svg`;
  // Under assets/ with the others: the gateway serves `/`, `/index.html` and `/assets/**` only.
  writeFileSync(path.join(assetsDir, faviconName), faviconSvg);

  // No inline script or style: the page runs under `script-src 'self'; style-src 'self'`.
  const preloads = [...firstView]
    .filter((file) => file !== appJs)
    .map((file) => `    <link rel="modulepreload" href="${relative(file)}" />`);
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
    '    <meta name="color-scheme" content="light" />',
    '    <title>Parley</title>',
    `    <link rel="icon" type="image/svg+xml" href="${relative(path.join(path.relative(root, assetsDir), faviconName))}" />`,
    `    <link rel="stylesheet" href="${relative(stylesCss)}" />`,
    ...preloads,
    `    <script type="module" src="${relative(appJs)}"></script>`,
    '  </head>',
    '  <body>',
    '    <parley-app></parley-app>',
    '    <noscript><p>Parley needs JavaScript.</p></noscript>',
    '  </body>',
    '</html>',
    '',
  ].join('\n');
  writeFileSync(path.join(outDir, 'index.html'), html);

  for (const file of listFiles(outDir)) {
    if (TEXT_EXTENSIONS.has(path.extname(file)) || file.endsWith('.LEGAL.txt')) writeFileSync(`${file}.gz`, gzip(readFileSync(file)));
  }

  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    `parley-web: first-view JavaScript ${kb(firstViewGzip)} gzipped (budget ${kb(FIRST_VIEW_JS_BUDGET_BYTES)}) -> ${path.relative(root, outDir)}\n`,
  );
  if (!quiet) {
    for (const [file, output] of outputs) process.stdout.write(`  ${relative(file)}  ${kb(output.bytes)}\n`);
  }
  if (firstViewGzip > FIRST_VIEW_JS_BUDGET_BYTES) {
    throw new Error(`the first view's JavaScript is ${kb(firstViewGzip)} gzipped, over the ${kb(FIRST_VIEW_JS_BUDGET_BYTES)} budget`);
  }
  return { outDir, firstViewGzip, appJs: relative(appJs), stylesCss: relative(stylesCss) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ quiet: process.argv.includes('--quiet') }).catch((error) => {
    process.stderr.write(`parley-web build failed: ${error.message}\n`);
    process.exit(1);
  });
}
