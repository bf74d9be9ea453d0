import { existsSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

/** The built bundle of an app; the test command builds them before integration tests. */
export function appBundle(app: string): string {
  const file = path.join(repoRoot, 'dist', 'apps', app, 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the apps first (npm test does).`);
  return file;
}

/** The built web client (`dist/apps/parley-web`); the test command builds it before integration tests. */
export function webClientBuild(): string {
  const dir = path.join(repoRoot, 'dist', 'apps', 'parley-web');
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir} is missing: build the web client first (npm test does).`);
  return dir;
}
