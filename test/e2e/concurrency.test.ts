import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { badProxy } from '../adversarial/servers.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';

const PROJECTS = 30;

/**
 * A proxy in front of the emulator that holds the requests of one kind until `bound` of them are
 * in flight, then for a moment more (so that any request past the bound arrives while they are
 * held), and counts the most in flight at once from first to last. Should fewer than `bound` ever
 * arrive together, it lets them go after a while, and the count says so.
 */
async function countingProxy(target: string, counted: (operation: string) => boolean, bound: number) {
  let inFlight = 0;
  let most = 0;
  let open = false;
  const held: (() => void)[] = [];
  const release = () => {
    open = true;
    for (const go of held.splice(0)) go();
  };
  const proxy = await badProxy(target, async (operation, forward) => {
    if (!counted(operation)) return forward();
    inFlight++;
    most = Math.max(most, inFlight);
    if (!open) {
      if (held.length === 0) setTimeout(release, 3_000).unref();
      if (held.length + 1 >= bound) setTimeout(release, 100).unref();
      await new Promise<void>((go) => held.push(go));
    }
    try {
      return await forward();
    } finally {
      inFlight--;
    }
  });
  return { url: proxy.url, most: () => most };
}

/** 30 live projects that each need one key changed, and the file that changes them, in a fresh directory. */
async function fleet() {
  const t = await startTestEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'hcr-concurrency-'));
  onTestFinished(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const projects: Record<string, { env: Record<string, string> }> = {};
  for (let i = 1; i <= PROJECTS; i++) {
    const name = `fleet-${String(i).padStart(2, '0')}`;
    t.seed(name, { FEATURE: 'v1' });
    projects[name] = { env: { FEATURE: 'v2' } };
  }
  writeFileSync(join(dir, 'fleet.yaml'), stringify({ version: 1, projects }));
  return { t, dir };
}

const reads = (operation: string) => operation.startsWith('getTenantEnv');
const writes = (operation: string) => operation === 'updateTenantEnv';

describe('--concurrency: requests in flight at once', () => {
  it.each([
    ['plan', [], 10, reads, 0],
    ['plan', ['--concurrency', '4'], 4, reads, 0],
    ['drift', [], 10, reads, 2],
    ['drift', ['--concurrency', '3'], 3, reads, 2],
    ['apply', ['--auto-approve'], 10, writes, 0],
    ['apply', ['--auto-approve', '--concurrency', '4'], 4, writes, 0],
  ] as const)('%s %j: %i at most, and that many', async (command, flags, bound, counted, exit) => {
    const { t, dir } = await fleet();
    const proxy = await countingProxy(t.emulator.url, counted, bound);
    // One project per read, so that the reads are as many as the projects.
    const r = await runCli([command, '-f', 'fleet.yaml', '--batch-size', '1', '--endpoint', proxy.url, ...flags], {
      cwd: dir,
      env: { HASURA_CLOUD_ACCESS_TOKEN: t.token },
    });
    expect(r.code, r.stderr).toBe(exit);
    expect(t.emulator.requests.filter((q) => counted(q.operationName ?? ''))).toHaveLength(PROJECTS);
    expect(proxy.most()).toBe(bound);
  });
});
