import { ReadinessRegistry } from './readiness.registry';

describe('ReadinessRegistry', () => {
  it('is ready when every probe passes, and names the ones that fail', async () => {
    const registry = new ReadinessRegistry();
    registry.register('db', async () => undefined);
    registry.register('bus', () => false);
    registry.register('cache', async () => {
      throw new Error('connection refused');
    });
    const result = await registry.evaluate();
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual({
      db: { ok: true },
      bus: { ok: false, error: 'not ready' },
      cache: { ok: false, error: 'connection refused' },
    });
  });

  it('treats a probe that hangs as not ready', async () => {
    const registry = new ReadinessRegistry();
    registry.register('slow', () => new Promise(() => undefined));
    expect((await registry.evaluate(20)).checks['slow']).toEqual({ ok: false, error: 'no answer within 20 ms' });
  });

  it('stays not ready once shutting down, without asking the probes', async () => {
    const registry = new ReadinessRegistry();
    const probe = jest.fn(() => true);
    registry.register('db', probe);
    expect((await registry.evaluate()).ready).toBe(true);
    registry.beginShutdown();
    expect(await registry.evaluate()).toEqual({ ready: false, checks: { shutdown: { ok: false, error: 'shutting down' } } });
    expect(probe).toHaveBeenCalledTimes(1);
  });
});
