import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reliabilityWorld, type ReliabilityWorld } from '../reliability/harness.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROJECTS = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'];

/** Six projects, each with FEATURE=v1, that fleet.yaml sets to v2, on an emulator answering after `latencyMs`. */
async function fleetWorld(latencyMs: number) {
  const w = await reliabilityWorld({ latencyMs });
  for (const name of PROJECTS) w.t.seed(name, { FEATURE: 'v1' });
  w.writeDesired('fleet.yaml', Object.fromEntries(PROJECTS.map((name) => [name, { env: { FEATURE: 'v2' } }])));
  const written = () => PROJECTS.filter((name) => w.store.getEnv(w.store.findProjectByName(name)!.tenantId).env.FEATURE === 'v2');
  const updates = () => w.emulator.requests.filter((q) => q.operationName === 'updateTenantEnv').length;
  return { w, written, updates };
}

interface Run {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `hcr apply --auto-approve -f fleet.yaml --concurrency 1` as a real process, its stdout where `stdout` says. */
function spawnApply(w: ReliabilityWorld, stdout: 'pipe' | number = 'pipe', more: string[] = []): Run {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', 'apply', '--auto-approve', '--concurrency', '1', '-f', `${w.dir}/fleet.yaml`, ...more],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...w.t.env }, stdio: ['ignore', stdout, 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await sleep(25);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

const NO_CRASH = /Internal error|\n\s+at |node:internal/;

describe('apply stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: starts no new write, lets the one in flight settle, reports what was written, exits %i',
    { timeout: 30_000 },
    async (signal, code) => {
      const { w, written, updates } = await fleetWorld(250);
      const run = spawnApply(w);
      await until(() => updates() >= 2, 'the second write');
      run.child.kill(signal);
      const exit = await run.exited;
      expect(run.stderr()).not.toMatch(NO_CRASH);
      expect(exit).toEqual({ code, signal: null });
      expect(run.stderr()).toContain(`${signal}: stopping. No further write is started`);

      // Exactly what landed is reported as applied, the rest as not started; nothing was sent after the signal.
      const landed = written();
      expect(landed.length).toBeGreaterThanOrEqual(2);
      expect(landed.length).toBeLessThan(PROJECTS.length);
      expect(updates()).toBe(landed.length);
      for (const name of landed) expect(run.stdout()).toContain(`✓ ${name}: applied (1 set)`);
      for (const name of PROJECTS.filter((n) => !landed.includes(n))) {
        expect(run.stdout()).toContain(`✗ ${name}: failed — nothing written; not set: FEATURE (not started: hcr was stopped (${signal})`);
      }
      expect(run.stdout()).toContain(`Apply incomplete: ${landed.length} applied, ${PROJECTS.length - landed.length} failed.`);
      expect(run.stderr()).toContain(
        `Stopped by ${signal}: ${PROJECTS.length - landed.length} projects not started, with nothing written.`,
      );
    },
  );

  it('a second SIGINT quits at once, saying that the writes in flight are not accounted for', { timeout: 30_000 }, async () => {
    const { w, updates } = await fleetWorld(1000);
    const run = spawnApply(w);
    await until(() => updates() >= 1, 'the first write');
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes('SIGINT: stopping'), 'the first signal to be taken');
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.signal).toBe('SIGINT');
    expect(run.stderr()).toContain('SIGINT again: stopping now. Writes in flight may or may not have landed: run hcr plan to see.');
    expect(run.stderr()).not.toMatch(NO_CRASH);
  });

  it('before anything is written (while reading), a signal ends hcr as usual, and nothing is written', { timeout: 30_000 }, async () => {
    const { w, written } = await fleetWorld(1000);
    const run = spawnApply(w);
    await until(() => w.emulator.requests.length >= 1, 'the first read');
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.signal).toBe('SIGINT');
    expect(written()).toEqual([]);
  });
});

describe('apply whose stdout fails', () => {
  it('a reader that closes the pipe early (EPIPE): no stack trace, the report on stderr, exit 1', { timeout: 30_000 }, async () => {
    const { w, written } = await fleetWorld(50);
    const run = spawnApply(w);
    // Like `hcr apply | head -1`: the reader takes the plan's first lines and goes away.
    run.child.stdout!.once('data', () => run.child.stdout!.destroy());
    const exit = await run.exited;
    expect(run.stderr()).not.toMatch(NO_CRASH);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(written()).toEqual(PROJECTS);
    expect(run.stderr()).toContain(
      'hcr: cannot write to stdout (EPIPE: its reader has gone); the rest of the output follows here, on stderr.',
    );
    expect(run.stderr()).toContain('✓ p-6: applied (1 set)');
    expect(run.stderr()).toContain('Apply complete: 6 applied.');
  });

  it('a full disk (ENOSPC, /dev/full): no stack trace, plan and report on stderr, exit 1', { timeout: 30_000 }, async () => {
    expect(existsSync('/dev/full')).toBe(true);
    const { w, written } = await fleetWorld(20);
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnApply(w, full);
      const exit = await run.exited;
      expect(run.stderr()).not.toMatch(NO_CRASH);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(written()).toEqual(PROJECTS);
      expect(run.stderr()).toContain('hcr: cannot write to stdout (ENOSPC)');
      expect(run.stderr()).toContain('hcr will change 6 projects');
      expect(run.stderr()).toContain('Apply complete: 6 applied.');
    } finally {
      closeSync(full);
    }
  });

  it('--format json to a closed pipe: the JSON report still reaches stderr whole', { timeout: 30_000 }, async () => {
    const { w } = await fleetWorld(50);
    const run = spawnApply(w, 'pipe', ['--format', 'json']);
    // No plan is printed with --format json: the reader goes before the report comes.
    run.child.stdout!.destroy();
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    const json = run.stderr().slice(run.stderr().indexOf('{'));
    expect((JSON.parse(json) as { summary: { applied: number } }).summary.applied).toBe(6);
  });
});
