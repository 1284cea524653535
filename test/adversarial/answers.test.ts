import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { reliabilityWorld, type ReportJson } from '../reliability/harness.js';
import { badProxy, endlessAnswer, localServer } from './servers.js';

const MiB = 1024 * 1024;

/** Two projects (so that their envs are read in one batched request) behind a server that answers `operation` without end. */
async function endlessWorld(operation: string, options: { contentLength?: number } = {}) {
  const w = await reliabilityWorld();
  const shop = w.t.seed('shop', { FEATURE: 'v1' });
  w.t.seed('blog', { FEATURE: 'v1' });
  w.writeDesired('two.yaml', { shop: { env: { FEATURE: 'v2' } }, blog: { env: { FEATURE: 'v2' } } });
  w.writeDesired('one.yaml', { shop: { env: { FEATURE: 'v2' } } });
  const sent = { bytes: 0 };
  let served = false;
  const proxy = await badProxy(w.t.emulator.url, async (op, forward) => {
    if (op !== operation || served) return forward();
    served = true;
    if (op.endsWith('TenantEnv') && !op.startsWith('get')) await forward();
    return endlessAnswer(sent, options);
  });
  const hcr = (args: string[]) => w.hcr(args, { env: { HASURA_CLOUD_ENDPOINT: proxy.url } });
  return { w, shop, sent, proxy, hcr };
}

describe('an answer of hundreds of MB', () => {
  it(
    'to a read: reading stops at the 64 MiB cap, and the error names the operation and the cap (exit 1)',
    { timeout: 15_000 },
    async () => {
      const { sent, hcr } = await endlessWorld('getTenantEnv');
      const r = await hcr(['plan', '-f', 'one.yaml']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('getTenantEnv failed: the answer was larger than 64 MiB, the most hcr reads of one answer');
      expect(r.stderr).not.toMatch(/Internal error|\n\s+at /);
      // What was sent is what the cap let through, plus what the socket buffered: far from the 1 GiB on offer.
      expect(sent.bytes).toBeLessThan(200 * MiB);
    },
  );

  it('declared in Content-Length: refused before reading it', { timeout: 15_000 }, async () => {
    const { sent, hcr } = await endlessWorld('getTenantEnv', { contentLength: 500 * MiB });
    const r = await hcr(['plan', '-f', 'one.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('getTenantEnv failed: the answer was larger than 64 MiB');
    expect(sent.bytes).toBeLessThan(200 * MiB);
  });

  it('to a batched read: each env is read again alone, and the plan is made', { timeout: 15_000 }, async () => {
    const { hcr, proxy } = await endlessWorld('getTenantEnvs');
    const r = await hcr(['plan', '-f', 'two.yaml', '--detailed-exitcode']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(proxy.operations.filter((op) => op === 'getTenantEnv')).toHaveLength(2);
  });

  it('to a write that landed: the write is read back and reported applied, never sent twice', { timeout: 15_000 }, async () => {
    const { w, shop, hcr, proxy } = await endlessWorld('updateTenantEnv');
    const r = await hcr(['apply', '-f', 'one.yaml', '--auto-approve', '--format', 'json']);
    expect((JSON.parse(r.stdout) as ReportJson).projects[0]).toMatchObject({ outcome: 'applied' });
    expect(r.code).toBe(0);
    expect(w.store.getEnv(shop.tenantId).env.FEATURE).toBe('v2');
    expect(proxy.operations.filter((op) => op === 'updateTenantEnv')).toHaveLength(1);
  });
});

describe('--timeout', () => {
  /** A server that answers every request after `delayMs`, with no project. */
  async function slowServer(delayMs: number) {
    return localServer(async (_req, res) => {
      await sleep(delayMs);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"projects":[]}}');
    });
  }
  const run = (w: Awaited<ReturnType<typeof reliabilityWorld>>, url: string, timeout: string) =>
    w.hcr(['plan', '-f', 'fresh.yaml', '--timeout', timeout, '--retries', '0'], { env: { HASURA_CLOUD_ENDPOINT: url } });

  it('is what a slow answer is waited for: too short fails, long enough succeeds', { timeout: 15_000 }, async () => {
    const w = await reliabilityWorld();
    w.writeDesired('fresh.yaml', { fresh: { create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' }, env: { A: 'a' } } });
    const server = await slowServer(1500);
    const short = await run(w, server.url, '0.5');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('findProjectsByName failed: no answer from');
    expect(short.stderr).toContain('within 500ms');
    const long = await run(w, server.url, '4');
    expect(long.stderr).toBe('');
    expect(long.code).toBe(0);
  });

  it('above 60 s is given in full to an attempt, not cut to the 60 s deadline', async () => {
    const w = await reliabilityWorld();
    w.t.seed('shop', { A: 'a' });
    w.writeDesired('shop.yaml', { shop: { env: { A: 'a' } } });
    const timeouts = vi.spyOn(AbortSignal, 'timeout');
    try {
      const r = await w.hcr(['plan', '-f', 'shop.yaml', '--timeout', '120']);
      expect(r.code).toBe(0);
      expect(timeouts.mock.calls.map(([ms]) => ms)).toEqual([120_000, 120_000]);
    } finally {
      timeouts.mockRestore();
    }
  });

  it.each(['3601', '1e10', '0', '-5', 'soon'])('%s is refused before any request (exit 1)', async (value) => {
    const w = await reliabilityWorld();
    w.t.seed('shop', { A: 'a' });
    w.writeDesired('shop.yaml', { shop: { env: { A: 'a' } } });
    const r = await w.hcr(['plan', '-f', 'shop.yaml', '--timeout', value]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--timeout must be a number of seconds above 0 and at most 3600/);
    expect(w.emulator.requests).toEqual([]);
  });
});
