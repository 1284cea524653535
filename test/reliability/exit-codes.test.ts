import { describe, expect, it } from 'vitest';
import type { ProjectOutcome } from '../../src/apply/types.js';
import { exitCode } from '../../src/cli/commands/apply.js';
import { DONE_OUTCOMES, EXIT_BY_TROUBLES, exitFromTable } from './exit-codes.js';
import { scriptedWorld, type ReportJson, type Step } from './harness.js';

const report = (outcomes: readonly ProjectOutcome[]) => ({
  projects: outcomes.map((outcome, i) => ({ name: `p${i}`, outcome, set: [], removed: [], pending: [] })),
});

describe('the exit code of apply for each mix of outcomes', () => {
  /** No done outcome, each one alone, and all five together. */
  const doneMixes: (readonly ProjectOutcome[])[] = [[], ...DONE_OUTCOMES.map((o) => [o]), DONE_OUTCOMES];

  it.each(EXIT_BY_TROUBLES.map((row) => [row.troubles.join(' + ') || 'no trouble', row] as const))('%s', (_mix, row) => {
    for (const done of doneMixes) {
      const outcomes = [...done, ...row.troubles];
      expect(exitCode(report(outcomes)), outcomes.join(', ')).toBe(row.exit);
      expect(exitFromTable(outcomes)).toBe(row.exit);
    }
  });

  it('the table refuses an outcome it does not know, rather than guess its code', () => {
    expect(() => exitFromTable(['applied', 'skipped'])).toThrow('outcomes the exit-code table does not know: skipped');
  });
});

/**
 * Real runs of `hcr apply` (one project at a time, so the script's faults meet the projects in
 * name order) that end in one given mix of outcomes. `alpha` and `beta` each need an update;
 * `stays` is already as desired.
 */
describe('hcr apply ends a run of each mix with its exit code', () => {
  async function mixWorld(extra: Record<string, unknown> = {}) {
    const script: Record<string, Step[]> = {};
    const w = await scriptedWorld(script);
    const ids = {
      alpha: w.t.seed('alpha', { FEATURE: 'v1' }).tenantId,
      beta: w.t.seed('beta', { FEATURE: 'v1' }).tenantId,
      stays: w.t.seed('stays', { FEATURE: 'v2' }).tenantId,
    };
    w.writeDesired('mix.yaml', {
      alpha: { env: { FEATURE: 'v2' } },
      beta: { env: { FEATURE: 'v2' } },
      stays: { env: { FEATURE: 'v2' } },
      ...extra,
    } as never);
    /** Someone's edit through the console, just before the scripted request is served. */
    const edit = (name: keyof typeof ids) => () => void w.store.updateEnv(ids[name], w.store.getEnv(ids[name]).hash, { HOTFIX: 'yes' });
    const apply = async (...more: string[]) => {
      const r = await w.hcr(['apply', '--auto-approve', '--format', 'json', '--concurrency', '1', '-f', 'mix.yaml', ...more]);
      const outcomes = Object.fromEntries((JSON.parse(r.stdout) as ReportJson).projects.map((p) => [p.name, p.outcome]));
      return { code: r.code, outcomes };
    };
    return { w, script, edit, apply };
  }

  it('a conflict alone: 3', async () => {
    const m = await mixWorld();
    m.script.updateTenantEnv = [
      { step: 'ok', before: m.edit('alpha') },
      { step: 'ok', before: m.edit('beta') },
    ];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'conflict', stays: 'unchanged' });
    expect(r.code).toBe(3);
  });

  it('a conflict beside an applied project: 3', async () => {
    const m = await mixWorld();
    m.script.updateTenantEnv = [{ step: 'ok', before: m.edit('alpha') }];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'applied', stays: 'unchanged' });
    expect(r.code).toBe(3);
  });

  it('a conflict and a failure in one apply: 1', async () => {
    const m = await mixWorld();
    // beta's update fails, is found unwritten when read back, is sent once more and fails again.
    m.script.updateTenantEnv = [{ step: 'ok', before: m.edit('alpha') }, 'server-error', 'server-error'];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'failed', stays: 'unchanged' });
    expect(r.code).toBe(1);
  });

  it('a conflict and an unknown in one apply: 1', async () => {
    const m = await mixWorld();
    m.script.updateTenantEnv = [{ step: 'ok', before: m.edit('alpha') }, 'server-error'];
    // The first read back confirms alpha's conflict; before the second, someone writes to beta.
    m.script.getTenantEnv = ['ok', { step: 'ok', before: m.edit('beta') }];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'unknown', stays: 'unchanged' });
    expect(r.code).toBe(1);
  });

  it('a failure beside an applied project: 1', async () => {
    const m = await mixWorld();
    m.script.updateTenantEnv = ['ok', 'server-error', 'server-error'];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'applied', beta: 'failed', stays: 'unchanged' });
    expect(r.code).toBe(1);
  });

  it('a refused deletion beside a conflict: 3; beside applied projects alone: 0', async () => {
    const conflict = await mixWorld({ gone: { destroy: true } });
    conflict.w.t.seed('gone');
    conflict.script.updateTenantEnv = [{ step: 'ok', before: conflict.edit('alpha') }];
    const r = await conflict.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'applied', gone: 'refused', stays: 'unchanged' });
    expect(r.code).toBe(3);

    const clean = await mixWorld({ gone: { destroy: true } });
    clean.w.t.seed('gone');
    const ok = await clean.apply();
    expect(ok.outcomes).toEqual({ alpha: 'applied', beta: 'applied', gone: 'refused', stays: 'unchanged' });
    expect(ok.code).toBe(0);
  });

  it('a deleted and a created project beside a failure: 1', async () => {
    const m = await mixWorld({
      gone: { destroy: true },
      fresh: { create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' }, env: {} },
    });
    m.w.t.seed('gone');
    m.script.updateTenantEnv = ['ok', 'server-error', 'server-error'];
    const r = await m.apply('--allow-destroy');
    expect(r.outcomes).toEqual({ alpha: 'applied', beta: 'failed', fresh: 'created', gone: 'deleted', stays: 'unchanged' });
    expect(r.code).toBe(1);
  });

  it('a created project beside a conflict: 3', async () => {
    const m = await mixWorld({ fresh: { create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_free' }, env: {} } });
    m.script.updateTenantEnv = [{ step: 'ok', before: m.edit('alpha') }];
    const r = await m.apply();
    expect(r.outcomes).toEqual({ alpha: 'conflict', beta: 'applied', fresh: 'created', stays: 'unchanged' });
    expect(r.code).toBe(3);
  });
});
