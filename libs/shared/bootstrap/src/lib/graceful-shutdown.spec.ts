import { CLOSE_RESERVE_MS, shutDownInOrder, type ShutdownSteps } from './graceful-shutdown';

/** Steps that record when each ran (fake time) and resolve when the test says so. */
function recordingSteps() {
  const calls: string[] = [];
  let finishDrain: () => void = () => undefined;
  let finishClose: () => void = () => undefined;
  const at = (name: string) => calls.push(`${name}@${Date.now()}`);
  const steps: ShutdownSteps = {
    failReadiness: () => at('failReadiness'),
    stopAccepting: () => at('stopAccepting'),
    drainRequests: () => {
      at('drainRequests');
      return new Promise((resolve) => (finishDrain = resolve));
    },
    abortRequests: () => at('abortRequests'),
    closeApp: () => {
      at('closeApp');
      return new Promise((resolve) => (finishClose = resolve));
    },
    stillOpen: () => '2 HTTP request(s) in flight',
  };
  return { calls, steps, finishDrain: () => finishDrain(), finishClose: () => finishClose() };
}

const log = { info: jest.fn(), warn: jest.fn() };

describe('shutDownInOrder', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    log.info.mockClear();
    log.warn.mockClear();
  });
  afterEach(() => jest.useRealTimers());

  it('fails readiness at once, stops accepting after the delay, and closes the app only once the requests are answered', async () => {
    const { calls, steps, finishDrain, finishClose } = recordingSteps();
    const outcome = shutDownInOrder(steps, { delayMs: 5000, graceMs: 25_000 }, log);
    expect(calls).toEqual(['failReadiness@0']);
    await jest.advanceTimersByTimeAsync(4999);
    expect(calls).toEqual(['failReadiness@0']);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toEqual(['failReadiness@0', 'stopAccepting@5000', 'drainRequests@5000']);
    await jest.advanceTimersByTimeAsync(700);
    finishDrain();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['failReadiness@0', 'stopAccepting@5000', 'drainRequests@5000', 'closeApp@5700']);
    finishClose();
    await expect(outcome).resolves.toEqual({ kind: 'clean' });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('without a delay, stops accepting in the same turn as readiness fails', async () => {
    const { calls, steps, finishDrain, finishClose } = recordingSteps();
    const outcome = shutDownInOrder(steps, { delayMs: 0, graceMs: 25_000 }, log);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['failReadiness@0', 'stopAccepting@0', 'drainRequests@0']);
    finishDrain();
    await jest.advanceTimersByTimeAsync(0);
    finishClose();
    await expect(outcome).resolves.toEqual({ kind: 'clean' });
  });

  it('cuts requests still running when only the reserve for closing the app is left, then closes the app', async () => {
    const { calls, steps, finishClose } = recordingSteps();
    const outcome = shutDownInOrder(steps, { delayMs: 5000, graceMs: 25_000 }, log);
    const drainEnds = 25_000 - CLOSE_RESERVE_MS;
    await jest.advanceTimersByTimeAsync(drainEnds - 1);
    expect(calls).not.toContain(`abortRequests@${drainEnds - 1}`);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.slice(-2)).toEqual([`abortRequests@${drainEnds}`, `closeApp@${drainEnds}`]);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('2 HTTP request(s) in flight'));
    finishClose();
    await expect(outcome).resolves.toEqual({ kind: 'clean' });
  });

  it('keeps half of a short grace for closing the app', async () => {
    const { calls, steps } = recordingSteps();
    void shutDownInOrder(steps, { delayMs: 300, graceMs: 2300 }, log);
    await jest.advanceTimersByTimeAsync(300 + 1000);
    expect(calls.slice(-2)).toEqual(['abortRequests@1300', 'closeApp@1300']);
  });

  it('gives up when the grace runs out, naming the step and what was still open', async () => {
    const { steps, finishDrain } = recordingSteps();
    const outcome = shutDownInOrder(steps, { delayMs: 300, graceMs: 10_000 }, log);
    await jest.advanceTimersByTimeAsync(300);
    finishDrain();
    await jest.advanceTimersByTimeAsync(10_000 - 300);
    await expect(outcome).resolves.toEqual({ kind: 'grace-exceeded', step: 'close', stillOpen: '2 HTTP request(s) in flight' });
  });

  it('reports a step that throws', async () => {
    const { steps, finishDrain } = recordingSteps();
    const failure = new Error('database gone');
    steps.closeApp = () => Promise.reject(failure);
    const outcome = shutDownInOrder(steps, { delayMs: 0, graceMs: 10_000 }, log);
    await jest.advanceTimersByTimeAsync(0);
    finishDrain();
    await expect(outcome).resolves.toEqual({ kind: 'failed', step: 'close', error: failure });
  });
});
