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

  it('reports a presence replica’s figures at scrape time (zero where no presence-bridge runs)', async () => {
    const metrics = new Metrics({ service: 'test', version: '0' });
    expect(await metrics.registry.metrics()).toMatch(/parley_presence_endpoints\{[^}]*\} 0/);
    let endpoints = 2;
    metrics.watchPresence(() => ({ subscriptions: 40, watchedUsers: 25, endpoints, imsWaiting: 1 }));
    endpoints = 3;
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/parley_presence_watch_subscriptions\{[^}]*\} 40/);
    expect(text).toMatch(/parley_presence_watched_users\{[^}]*\} 25/);
    expect(text).toMatch(/parley_presence_endpoints\{[^}]*\} 3/);
    expect(text).toMatch(/parley_presence_ims_waiting\{[^}]*\} 1/);
  });
});
