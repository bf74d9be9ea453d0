import { spawnSync } from 'node:child_process';
import { createTestDatabase, dropOrphanedTestDatabases, testDatabaseName, withTestClient } from './test-database';

const databases = () =>
  withTestClient(async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));

describe('test databases left behind by interrupted runs', () => {
  it('are dropped once their creating process is gone; databases of live runs and of anyone else stay', async () => {
    // A pid that existed a moment ago and exists no more: a run cut off before its drop().
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(exited.stdout);
    expect(deadPid).toBeGreaterThan(0);
    const orphan = testDatabaseName('orphan_it', deadPid);
    const unrelated = 'orphan_it_p1_0123abcd'; // someone else's naming, even if it looks alike
    await withTestClient(async (c) => {
      await c.query(`CREATE DATABASE "${orphan}"`);
      await c.query(`DROP DATABASE IF EXISTS "${unrelated}"`);
      await c.query(`CREATE DATABASE "${unrelated}"`);
    });
    const live = await createTestDatabase('live_it');
    try {
      const names = await databases();
      expect(names).not.toContain(orphan); // createTestDatabase swept it
      expect(names).toContain(live.name);
      expect(names).toContain(unrelated);
      expect(live.name).toMatch(new RegExp(`_parley_test_pid${process.pid}_[0-9a-f]{8}$`));
      expect(await dropOrphanedTestDatabases()).not.toContain(live.name);
    } finally {
      await live.drop();
      await withTestClient((c) => c.query(`DROP DATABASE IF EXISTS "${unrelated}"`));
    }
  });
});
