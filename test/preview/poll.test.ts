import type * as timers from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/**
 * hcr's waits, on a clock of the test's own: each wait is recorded and moves the clock (what
 * performance.now() answers) on by its length, at once. Only `node:timers/promises` is replaced,
 * which hcr sleeps with; the emulator's job timer is a real one.
 */
const clock = vi.hoisted(() => ({ now: 0, waits: [] as number[] }));
vi.mock('node:timers/promises', async (importOriginal) => {
  const real = await importOriginal<typeof timers>();
  return {
    ...real,
    setTimeout: async <T>(ms: number, value?: T): Promise<T | undefined> => {
      clock.waits.push(ms);
      clock.now += ms;
      await real.setImmediate();
      return value;
    },
  };
});

let emulator: TestEmulator | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await emulator?.close();
  emulator = undefined;
});

async function previewCreate(previewJobDelayMs: number, ...more: string[]) {
  emulator = await startTestEmulator({ previewJobDelayMs });
  clock.now = 0;
  clock.waits.length = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock.now);
  const args = ['preview', 'create', '--name', 'pr-7', '--repo', 'acme/shop', '--branch', 'main', ...more];
  return runCli(args, { env: { ...emulator.env, GITHUB_TOKEN: 'ghp_pollTest' } });
}

// README: create looks at the job every --poll-interval seconds, 2 by default, for at most --timeout, 600.
describe('hcr preview create: how it waits for the job', () => {
  it('looks every 2 s by default', async () => {
    const r = await previewCreate(0);
    expect(r.code, r.stderr).toBe(0);
    expect(clock.waits.length).toBeGreaterThan(0);
    expect(new Set(clock.waits)).toEqual(new Set([2000]));
  });

  it('looks every --poll-interval seconds when given', async () => {
    const r = await previewCreate(0, '--poll-interval', '0.5');
    expect(r.code, r.stderr).toBe(0);
    expect(new Set(clock.waits)).toEqual(new Set([500]));
  });

  it('gives up after 600 s by default, having looked every 2 s', async () => {
    // A job that outlasts the test: only hcr's clock moves.
    const r = await previewCreate(3_600_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/preview app pr-7 is not ready after 600 s/);
    expect(clock.waits).toEqual(Array.from({ length: 300 }, () => 2000));
    expect(emulator!.emulator.requests.filter((q) => q.operationName === 'getJob')).toHaveLength(300);
  });
});
