import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parleyVersion } from './version';

it('matches the workspace package.json version', () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../../../package.json'), 'utf8')) as { version: string };
  expect(parleyVersion).toBe(pkg.version);
});
