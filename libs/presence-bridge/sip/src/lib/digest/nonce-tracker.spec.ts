import { NonceTracker } from './nonce-tracker';

describe('NonceTracker', () => {
  it('accepts increasing counts (gaps allowed) and refuses a repeated or lower one', () => {
    const tracker = new NonceTracker(10);
    tracker.track('n');
    expect(tracker.use('n', 1)).toBe('accepted');
    expect(tracker.use('n', 2)).toBe('accepted');
    expect(tracker.use('n', 2)).toBe('replayed');
    expect(tracker.use('n', 5)).toBe('accepted');
    expect(tracker.use('n', 3)).toBe('replayed');
    expect(tracker.use('n', 0)).toBe('replayed');
  });

  it('knows nothing of a nonce it did not issue', () => {
    expect(new NonceTracker(10).use('elsewhere', 1)).toBe('untracked');
  });

  it('evicts the least recently used nonce past its capacity, and an evicted nonce is untracked, never fresh', () => {
    const tracker = new NonceTracker(2);
    tracker.track('a');
    tracker.track('b');
    expect(tracker.use('a', 1)).toBe('accepted'); // a is now the most recently used
    tracker.track('c'); // evicts b
    expect(tracker.size).toBe(2);
    expect(tracker.use('b', 1)).toBe('untracked');
    expect(tracker.use('a', 2)).toBe('accepted');
    expect(tracker.use('c', 1)).toBe('accepted');
  });

  it('forgets a nonce on request', () => {
    const tracker = new NonceTracker(2);
    tracker.track('a');
    tracker.forget('a');
    expect(tracker.use('a', 1)).toBe('untracked');
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new NonceTracker(0)).toThrow('positive integer');
  });
});
