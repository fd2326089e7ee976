import { describe, expect, it } from 'vitest';
import { schedule, type Attempt } from '../../src/fleet/scheduler.js';

const ok = (name: string): Attempt<string> => ({ kind: 'done', result: `${name}:ok`, failure: false });
const bad = (name: string): Attempt<string> => ({ kind: 'done', result: `${name}:failed`, failure: true });
const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

/** Waiting is instant in these tests: the scheduler's order of events is what is checked, not its timing. */
const instant = () => Promise.resolve();

describe('fleet scheduling', () => {
  it('a stop starts no other member: those in flight end, the rest are not reached, the outcome says why', async () => {
    const stop = new AbortController();
    const tried: string[] = [];
    const out = await schedule({
      members: names(10),
      concurrency: 2,
      canary: 0,
      stopAfterFailures: null,
      comeBackMs: 1000,
      busyResult: () => 'busy',
      stop: stop.signal,
      attempt: async (m) => {
        tried.push(m);
        if (tried.length === 3) stop.abort('SIGTERM');
        await new Promise((r) => setTimeout(r, 1));
        return ok(m);
      },
    });
    expect(tried).toEqual(['t0', 't1', 't2']);
    expect(out.notReached).toEqual(names(10).slice(3));
    expect(out.stopped).toEqual({ reason: 'interrupted', failures: 0, by: 'SIGTERM' });
  });

  it('a stop while the last members are in flight is still reported', async () => {
    const stop = new AbortController();
    const out = await schedule({
      members: names(2),
      concurrency: 2,
      canary: 0,
      stopAfterFailures: null,
      comeBackMs: 1000,
      busyResult: () => 'busy',
      stop: stop.signal,
      attempt: async (m) => {
        // Both started; the stop comes while they run.
        await new Promise((r) => setTimeout(r, 1));
        stop.abort('SIGINT');
        return bad(m);
      },
    });
    expect(out.notReached).toEqual([]);
    expect(out.stopped).toMatchObject({ reason: 'interrupted', by: 'SIGINT' });
  });

  it('never has more than `concurrency` tries in flight, and tries every member once', async () => {
    let inFlight = 0;
    let most = 0;
    const tried: string[] = [];
    const out = await schedule({
      members: names(30),
      concurrency: 4,
      canary: 0,
      stopAfterFailures: null,
      comeBackMs: 1000,
      busyResult: () => 'busy',
      attempt: async (m) => {
        most = Math.max(most, ++inFlight);
        tried.push(m);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return ok(m);
      },
    });
    expect(most).toBe(4);
    expect([...tried].sort()).toEqual(names(30).sort());
    expect(out.notReached).toEqual([]);
  });

  it('puts a busy member aside, works on the others meanwhile, and comes back to it', async () => {
    const tried: string[] = [];
    let busy = 2;
    const out = await schedule({
      members: names(5),
      concurrency: 1,
      canary: 0,
      stopAfterFailures: null,
      comeBackMs: 60_000,
      busyResult: () => 'gave up',
      random: () => 0,
      sleep: instant,
      attempt: async (m) => {
        tried.push(m);
        if (m === 't0' && busy-- > 0) return { kind: 'busy', reason: 'held' };
        return ok(m);
      },
    });
    // t0 was held: the walk went on (from a random place, here the start of what was left) and came back twice.
    expect(tried[0]).toBe('t0');
    expect(tried.slice(1, 5).sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(tried.filter((t) => t === 't0')).toHaveLength(3);
    expect(out.results.get('t0')).toBe('t0:ok');
  });

  it('a member busy for longer than comeBackMs is decided by busyResult and counts as a failure', async () => {
    const out = await schedule({
      members: names(2),
      concurrency: 2,
      canary: 0,
      stopAfterFailures: 1,
      comeBackMs: 0,
      busyResult: (m, reason) => `${m}:${reason}`,
      sleep: instant,
      attempt: async (m) => (m === 't1' ? { kind: 'busy', reason: 'held' } : ok(m)),
    });
    expect(out.results.get('t1')).toBe('t1:held');
    expect(out.stopped).toEqual({ reason: 'failures', failures: 1 });
  });

  it('runs every canary before the rest and stops when one fails', async () => {
    const tried: string[] = [];
    const out = await schedule({
      members: names(10),
      concurrency: 4,
      canary: 3,
      stopAfterFailures: null,
      comeBackMs: 1000,
      busyResult: () => 'busy',
      attempt: async (m) => {
        tried.push(m);
        return m === 't1' ? bad(m) : ok(m);
      },
    });
    expect(tried.sort()).toEqual(['t0', 't1', 't2']);
    expect(out.stopped?.reason).toBe('canary');
    expect(out.notReached).toEqual(names(10).slice(3));
  });

  it('canaries that pass let the rest run; --stop-after-failures stops starting new ones', async () => {
    const out = await schedule({
      members: names(20),
      concurrency: 1,
      canary: 2,
      stopAfterFailures: 2,
      comeBackMs: 1000,
      busyResult: () => 'busy',
      attempt: async (m) => (['t4', 't6'].includes(m) ? bad(m) : ok(m)),
    });
    expect(out.stopped).toEqual({ reason: 'failures', failures: 2 });
    expect([...out.results.keys()]).toEqual(names(7));
    expect(out.notReached).toEqual(names(20).slice(7));
  });
});
