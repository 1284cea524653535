import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/emulator/index.js';
import { Canaries } from './canaries.js';
import {
  expectedExit,
  reliabilityWorld,
  seededRandom,
  soloWorld,
  type JournalEntry,
  type ReliabilityWorld,
  type ReportJson,
  type Step,
} from './harness.js';

const TENANTS = 5;
const RUNS = 4;
const ROUNDS = 3;
const OUT_OF_BAND = 3;

/** Keys no writer here may touch: Cloud's own and one nobody manages. */
const UNTOUCHABLE = ['HASURA_GRAPHQL_ADMIN_SECRET', 'HASURA_GRAPHQL_CORS_DOMAIN', 'UNMANAGED'];

/** hcr run `run` of round `round`: every value it writes says so, and it alone removes GONE_<run>. */
function desiredFor(w: ReliabilityWorld, round: number, run: number): string {
  const projects = Object.fromEntries(
    Array.from({ length: TENANTS }, (_, i) => [
      `tenant-${i + 1}`,
      {
        remove: [`GONE_${run}`],
        env: { SHARED_A: `run${run}.${round}-a`, SHARED_B: `run${run}.${round}-b`, SHARED_SECRET: { fromEnv: 'SHARED_SECRET' } },
      },
    ]),
  );
  return w.writeDesired(`round${round}-run${run}.yaml`, projects);
}

/**
 * Someone editing through the console, over and over: reads a tenant, thinks a little (others may
 * write meanwhile), then writes with the hash it read — refused when that hash is stale.
 */
async function outOfBandWriter(w: ReliabilityWorld, id: number, tenantIds: string[], random: () => number, running: () => boolean) {
  for (let n = 1; running(); n++) {
    const tenantId = tenantIds[Math.floor(random() * tenantIds.length)]!;
    const seen = w.store.getEnv(tenantId);
    await sleep(random() * 4);
    const roll = random();
    // Overwrite a key hcr sets, delete one, or bring back one that hcr removes.
    const key = roll < 0.35 ? 'SHARED_A' : roll < 0.6 ? 'SHARED_B' : `GONE_${1 + Math.floor(random() * RUNS)}`;
    const remove = roll < 0.6 && random() < 0.3 && Object.hasOwn(seen.env, key);
    try {
      w.journal.as(`console-${id}`, () =>
        remove ? w.store.deleteEnv(tenantId, seen.hash, [key]) : w.store.updateEnv(tenantId, seen.hash, { [key]: `console${id}.${n}` }),
      );
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
    }
    await sleep(5 + random() * 10);
  }
}

/** The env writes hcr and the console writers send. */
const envWrite = (e: JournalEntry) => e.operation === 'updateEnv' || e.operation === 'deleteEnv';

/** Replays accepted writes on the seeded env: what the store must hold if no write went around the journal. */
function replay(seeded: Record<string, string>, writes: JournalEntry[]): Record<string, string> {
  const env = { ...seeded };
  for (const w of writes) {
    if (w.operation === 'updateEnv') Object.assign(env, w.set);
    else for (const key of w.removed) delete env[key];
  }
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('conflicts torture test', () => {
  it('concurrent applies and console writers: no lost update, every run reports what landed', async () => {
    const w = await reliabilityWorld({ latencyMs: 3, errorRate: 0.05, lostAnswerRate: 0.1, random: seededRandom(7) });
    const canaries = new Canaries();
    canaries.add(w.t.token);
    const seeded = new Map<string, Record<string, string>>();
    const names = new Map<string, string>();
    for (let i = 1; i <= TENANTS; i++) {
      const gone = Object.fromEntries(Array.from({ length: RUNS }, (_, r) => [`GONE_${r + 1}`, 'gone']));
      const { tenantId } = w.t.seed(`tenant-${i}`, {
        SHARED_A: 'seed-a',
        SHARED_B: 'seed-b',
        UNMANAGED: 'keep',
        HASURA_GRAPHQL_CORS_DOMAIN: '*',
        ...gone,
      });
      seeded.set(tenantId, w.store.getEnv(tenantId).env);
      names.set(`tenant-${i}`, tenantId);
    }
    const tenantIds = [...seeded.keys()];
    const initialHash = new Map(tenantIds.map((id) => [id, w.store.getEnv(id).hash]));

    const random = seededRandom(42);
    let applying = true;
    const writers = Array.from({ length: OUT_OF_BAND }, (_, i) => outOfBandWriter(w, i + 1, tenantIds, random, () => applying));
    const reports: { round: number; run: number; code: number; report: ReportJson; from: number; to: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const from = w.journal.entries.length;
      const results = await Promise.all(
        Array.from({ length: RUNS }, (_, i) => {
          const run = i + 1;
          const secret = canaries.make(`run${run}-${round}`);
          return w.hcr(['apply', '--auto-approve', '--format', 'json', '-f', desiredFor(w, round, run)], {
            env: { SHARED_SECRET: secret },
          });
        }),
      );
      results.forEach((r, i) => {
        canaries.expectNoneLeaked(r);
        expect(r.stdout, r.stderr).not.toBe('');
        reports.push({ round, run: i + 1, code: r.code, report: JSON.parse(r.stdout) as ReportJson, from, to: w.journal.entries.length });
      });
    }
    applying = false;
    await Promise.all(writers);
    // Then one run in calm, faults and writers stopped: under load every contended run may have
    // met a writer, and the checks below on an applied run must still have one to check.
    w.emulator.setFaults({ errorRate: 0, lostAnswerRate: 0 });
    const calm = ROUNDS + 1;
    const from = w.journal.entries.length;
    const last = await w.hcr(['apply', '--auto-approve', '--format', 'json', '-f', desiredFor(w, calm, 1)], {
      env: { SHARED_SECRET: canaries.make(`run1-${calm}`) },
    });
    canaries.expectNoneLeaked(last);
    expect(last.code, last.stderr).toBe(0);
    reports.push({
      round: calm,
      run: 1,
      code: last.code,
      report: JSON.parse(last.stdout) as ReportJson,
      from,
      to: w.journal.entries.length,
    });

    // The store's own order of decisions, per tenant: each accepted write was based on the hash
    // the tenant had, and that hash is the one the previous accepted write left — a single line.
    const accepted = w.journal.accepted(envWrite);
    for (const tenantId of tenantIds) {
      let hash = initialHash.get(tenantId)!;
      for (const entry of accepted.filter((e) => e.tenantId === tenantId)) {
        expect(entry.currentHash).toBe(entry.before);
        expect(entry.before).toBe(hash);
        hash = entry.after!;
      }
      expect(w.store.getEnv(tenantId).hash).toBe(hash);
      const live = w.store.getEnv(tenantId).env;
      expect(live).toEqual(
        replay(
          seeded.get(tenantId)!,
          accepted.filter((e) => e.tenantId === tenantId),
        ),
      );
      for (const key of UNTOUCHABLE) expect(live[key], key).toBe(seeded.get(tenantId)![key]);
    }
    const refusals = w.journal.entries.filter((e) => e.refused);
    for (const refused of refusals) {
      expect(envWrite(refused)).toBe(true);
      expect(refused.refused).toBe('conflict');
      expect(refused.currentHash).not.toBe(refused.before);
    }

    // Each run against what landed: applied means both its writes were accepted, chained on the
    // hash its own update returned (never on one it only read back); conflict means nothing of it
    // was accepted; failed says exactly which half; unknown is the only outcome that may hide a write.
    for (const { round, run, code, report, from, to } of reports) {
      expect(report.projects.map((p) => p.name)).toEqual([...names.keys()]);
      expect(code, JSON.stringify(report)).toBe(expectedExit(report.projects.map((p) => p.outcome)));
      const mine = (e: JournalEntry) =>
        e.author === 'hcr' && (e.operation === 'updateEnv' ? e.set.SHARED_A === `run${run}.${round}-a` : e.removed.includes(`GONE_${run}`));
      const window = w.journal.entries.slice(from, to).filter(mine);
      for (const p of report.projects) {
        const where = `round ${round} run ${run} ${p.name} (${p.outcome}: ${p.reason ?? ''})`;
        const ours = window.filter((e) => e.tenantId === names.get(p.name));
        const landed = ours.filter((e) => !e.refused);
        if (landed.length === 2) expect(landed[1]!.currentHash, where).toBe(landed[0]!.after);
        if (p.outcome === 'unknown') continue;
        if (p.outcome === 'conflict')
          expect(
            ours.some((e) => e.refused === 'conflict'),
            where,
          ).toBe(true);
        const update = landed.find((e) => e.operation === 'updateEnv');
        const remove = landed.find((e) => e.operation === 'deleteEnv');
        expect(update ? Object.keys(update.set).sort() : [], where).toEqual([...p.set].sort());
        expect(remove ? remove.removed : [], where).toEqual(p.removed);
      }
    }

    const outcomes = reports.flatMap((r) => r.report.projects.map((p) => p.outcome));
    const byAuthor = (prefix: string, accepted: boolean) =>
      w.journal.entries.filter((e) => envWrite(e) && e.author.startsWith(prefix) && !e.refused === accepted).length;
    // The torture must have happened: writes of both kinds accepted and refused, projects applied
    // (at the latest in the calm run) and in conflict.
    expect(outcomes).toContain('applied');
    expect(outcomes).toContain('conflict');
    for (const author of ['hcr', 'console']) {
      expect(byAuthor(author, true), author).toBeGreaterThan(0);
      expect(byAuthor(author, false), author).toBeGreaterThan(0);
    }
  });

  it('a project that changes between its update and its delete is failed, not conflict: exit 3 promises nothing was written', async () => {
    const script: Record<string, Step[]> = {};
    const s = await soloWorld(script);
    script.deleteTenantEnv = [{ step: 'ok', before: s.edit({ OLD_FLAG: 'still-needed' }) }];
    const r = await s.apply();
    expect(r.code).toBe(1);
    expect(r.project).toMatchObject({ outcome: 'failed', set: ['FEATURE', 'NEW_KEY'], removed: [], pending: ['OLD_FLAG'] });
    expect(r.project.reason).toMatch(/deleteTenantEnv failed: .*stale/);
    expect(s.live()).toMatchObject({ FEATURE: 'v2', NEW_KEY: 'added', OLD_FLAG: 'still-needed' });
  });
});
