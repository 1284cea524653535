import { describe, expect, it } from 'vitest';
import { mapSettled, oneAtATime } from '../../src/util/concurrency.js';

/** Tasks that stay in flight until the test lets them finish, counting how many run at once. */
function gate() {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const waiting = new Map<number, () => void>();
  const task = (item: number): Promise<number> => {
    inFlight++;
    most = Math.max(most, inFlight);
    started.push(item);
    return new Promise<number>((resolve) =>
      waiting.set(item, () => {
        inFlight--;
        resolve(item * 10);
      }),
    );
  };
  /** Lets one task finish, then waits for the promise jobs that start the next one. */
  const finish = async (item: number) => {
    waiting.get(item)!();
    waiting.delete(item);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { task, finish, started, inFlight: () => inFlight, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('mapSettled', () => {
  it('keeps at most `limit` calls in flight, and starts the next as soon as one ends', async () => {
    const g = gate();
    const done = mapSettled([1, 2, 3, 4, 5, 6, 7], 3, g.task);
    await settle();
    expect(g.started).toEqual([1, 2, 3]);
    await g.finish(2);
    expect(g.started).toEqual([1, 2, 3, 4]);
    expect(g.inFlight()).toBe(3);
    for (const item of [1, 3, 4, 5, 6, 7]) await g.finish(item);
    expect(await done).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => ({ status: 'fulfilled', value: i * 10 })));
    expect(g.most()).toBe(3);
  });

  it('runs every item at once when the limit is above their number, and one at a time at 1', async () => {
    const wide = gate();
    const all = mapSettled([1, 2, 3], 10, wide.task);
    await settle();
    expect(wide.started).toEqual([1, 2, 3]);
    for (const item of [3, 2, 1]) await wide.finish(item);
    await all;

    const narrow = gate();
    const one = mapSettled([1, 2, 3], 1, narrow.task);
    for (const item of [1, 2, 3]) {
      await settle();
      expect(narrow.started.at(-1)).toBe(item);
      await narrow.finish(item);
    }
    await one;
    expect(narrow.most()).toBe(1);
  });

  it('attempts every item: a rejection takes its own slot and stops nothing, and the order is the input order', async () => {
    const results = await mapSettled(['a', 'boom', 'c', 'boom', 'e'], 1, async (item, index) => {
      if (item === 'boom') throw new Error(`boom at ${index}`);
      return item.toUpperCase();
    });
    expect(results).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('boom at 1') },
      { status: 'fulfilled', value: 'C' },
      { status: 'rejected', reason: new Error('boom at 3') },
      { status: 'fulfilled', value: 'E' },
    ]);
  });

  it('keeps the input order when later items finish first', async () => {
    const g = gate();
    const done = mapSettled([1, 2, 3], 3, g.task);
    await settle();
    for (const item of [3, 1, 2]) await g.finish(item);
    expect((await done).map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([10, 20, 30]);
  });

  it('answers an empty list at once, and still runs with a limit below 1', async () => {
    expect(await mapSettled([], 4, async () => 1)).toEqual([]);
    expect(await mapSettled([1, 2], 0, async (i) => i)).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'fulfilled', value: 2 },
    ]);
  });
});

describe('oneAtATime', () => {
  it('runs tasks one after another in the order given, whatever each one ends with', async () => {
    const run = oneAtATime();
    const g = gate();
    const first = run(() => g.task(1));
    const second = run(async () => {
      throw new Error('second fails');
    });
    const third = run(() => g.task(3));
    await settle();
    expect(g.started).toEqual([1]);
    await g.finish(1);
    await expect(first).resolves.toBe(10);
    await expect(second).rejects.toThrow('second fails');
    await settle();
    expect(g.started).toEqual([1, 3]);
    await g.finish(3);
    await expect(third).resolves.toBe(30);
    expect(g.most()).toBe(1);
  });
});
