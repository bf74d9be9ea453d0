import { Metrics } from './metrics';

describe('Metrics', () => {
  it('reports each service’s outbox backlog at scrape time, and -1 when it cannot be read', async () => {
    const metrics = new Metrics({ service: 'test', version: '0' });
    let pending = 3;
    metrics.watchOutbox('calendar-sync', async () => pending);
    metrics.watchOutbox('presence-bridge', async () => Promise.reject(new Error('db down')));
    expect(await metrics.registry.metrics()).toMatch(
      /parley_outbox_pending_messages\{owner="calendar-sync",service="test",version="0"\} 3/,
    );
    pending = 0;
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/owner="calendar-sync".*\} 0/);
    expect(text).toMatch(/owner="presence-bridge".*\} -1/);
  });
});
