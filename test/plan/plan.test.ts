import { describe, expect, it } from 'vitest';
import type { Desired, DesiredProject, DesiredValue } from '../../src/config/types.js';
import { planChanges } from '../../src/plan/plan.js';
import type { LiveProject } from '../../src/state/types.js';
import { desiredValues } from '../../src/plan/values.js';

const at = { file: 'hasura-cloud.yaml', line: 1, col: 1 };
const literal = (value: string): DesiredValue => ({
  value,
  sensitive: false,
  source: { file: at.file, project: 'p', key: 'k' },
  keyAt: at,
});
const secret = (value: string, variable: string): DesiredValue => ({
  value,
  sensitive: true,
  source: { fromEnv: variable },
  keyAt: at,
});

function project(name: string, env: Record<string, DesiredValue>, extra: Partial<DesiredProject> = {}): DesiredProject {
  return { name, prune: false, ignore: [], remove: [], env, destroy: false, protect: false, production: false, checks: {}, at, ...extra };
}
const desired = (...projects: DesiredProject[]): Desired => ({ projects, files: [at.file], sensitiveKeys: new Set() });
const live = (entries: Record<string, Record<string, string>>) =>
  new Map(Object.entries(entries).map(([name, env]): [string, LiveProject] => [name, { tenantId: `t-${name}`, hash: `h-${name}`, env }]));

describe('planChanges()', () => {
  it('sets declared keys: adds the missing, changes the different, leaves the equal alone', () => {
    const result = planChanges(
      desired(project('shop', { A: literal('1'), B: literal('two'), C: literal('same') })),
      live({ shop: { B: 'old', C: 'same' } }),
    );
    expect(result.projects).toEqual([
      {
        name: 'shop',
        tenantId: 't-shop',
        hash: 'h-shop',
        action: 'update',
        env: [
          { key: 'A', action: 'add', sensitive: false, after: '1' },
          { key: 'B', action: 'change', sensitive: false, before: 'old', after: 'two' },
        ],
        unmanaged: 0,
      },
    ]);
    expect(result.summary).toEqual({ add: 1, change: 1, remove: 0, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 });
  });

  it('leaves undeclared keys alone and counts them as unmanaged without prune', () => {
    const result = planChanges(
      desired(project('shop', { A: literal('1') })),
      live({ shop: { A: '1', X: 'x', HASURA_GRAPHQL_ADMIN_SECRET: 's' } }),
    );
    expect(result.projects[0]).toMatchObject({ action: 'no-op', env: [], unmanaged: 2 });
  });

  it('deletes keys in `remove` (HASURA_* included) and ignores removals of absent keys', () => {
    const result = planChanges(
      desired(project('shop', {}, { remove: ['OLD', 'HASURA_GRAPHQL_ENABLE_CONSOLE', 'GONE'] })),
      live({ shop: { OLD: 'x', HASURA_GRAPHQL_ENABLE_CONSOLE: 'true', KEEP: 'k' } }),
    );
    expect(result.projects[0]!.env).toEqual([
      { key: 'HASURA_GRAPHQL_ENABLE_CONSOLE', action: 'remove', sensitive: false, before: 'true' },
      { key: 'OLD', action: 'remove', sensitive: false, before: 'x' },
    ]);
    expect(result.projects[0]!.unmanaged).toBe(1);
  });

  it('prunes undeclared keys except ignored globs and HASURA_* keys', () => {
    const result = planChanges(
      desired(project('shop', { A: literal('1') }, { prune: true, ignore: ['PG_*'] })),
      live({ shop: { A: '1', STALE: 's', PG_HOST: 'db', HASURA_GRAPHQL_ADMIN_SECRET: 'x' } }),
    );
    expect(result.projects[0]!.env).toEqual([{ key: 'STALE', action: 'remove', sensitive: false, before: 's' }]);
    expect(result.projects[0]!.unmanaged).toBe(2);
    expect(result.summary.remove).toBe(1);
  });

  it('never shows a sensitive value on either side, but says that it changes', () => {
    const result = planChanges(
      desired(
        project('shop', { HASURA_GRAPHQL_ADMIN_SECRET: secret('new-canary', 'SHOP_SECRET'), NEW: secret('add-canary', 'NEW_SECRET') }),
      ),
      live({ shop: { HASURA_GRAPHQL_ADMIN_SECRET: 'old-canary' } }),
    );
    expect(result.projects[0]!.env).toEqual([
      { key: 'HASURA_GRAPHQL_ADMIN_SECRET', action: 'change', sensitive: true, source: { fromEnv: 'SHOP_SECRET' } },
      { key: 'NEW', action: 'add', sensitive: true, source: { fromEnv: 'NEW_SECRET' } },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/canary/);
  });

  it('does not report an unchanged sensitive value', () => {
    const result = planChanges(desired(project('shop', { S: secret('same', 'V') })), live({ shop: { S: 'same' } }));
    expect(result.projects[0]!.action).toBe('no-op');
  });

  it('hides the live value of a removed key that looks secret', () => {
    const result = planChanges(
      desired(project('shop', {}, { prune: true })),
      live({ shop: { STRIPE_API_KEY: 'sk_live_canary123456', DB: 'postgres://u:canary@db/x', PLAIN: 'p' } }),
    );
    expect(result.projects[0]!.env).toEqual([
      { key: 'DB', action: 'remove', sensitive: true },
      { key: 'PLAIN', action: 'remove', sensitive: false, before: 'p' },
      { key: 'STRIPE_API_KEY', action: 'remove', sensitive: true },
    ]);
  });

  it('hides both sides of a change from a live value that looks secret to a plain one', () => {
    const result = planChanges(
      desired(project('shop', { DB: literal('postgres://db.example.com/shop'), MODE: literal('on') })),
      live({ shop: { DB: 'postgres://app:canary@db.example.com/shop', MODE: 'q8Vn2KxZ7pLw4RtY9mBc1HsD' } }),
    );
    expect(result.projects[0]!.env).toEqual([
      { key: 'DB', action: 'change', sensitive: true, source: literal('').source },
      { key: 'MODE', action: 'change', sensitive: true, source: literal('').source },
    ]);
  });

  it('hides a plain value under a name that looks secret, and one that looks secret under any name', () => {
    const result = planChanges(
      desired(project('shop', { SMTP_PASS: literal('hunter2'), SETTING: literal('Bearer abc.def.ghi'), PLAIN: literal('on') })),
      live({ shop: {} }),
    );
    expect(result.projects[0]!.env.map((c) => [c.key, c.sensitive])).toEqual([
      ['PLAIN', false],
      ['SETTING', true],
      ['SMTP_PASS', true],
    ]);
  });

  it('hides every change of a key that any file declares sensitive, removals included', () => {
    const d = {
      ...desired(project('shop', { TOGGLE: literal('on') }, { remove: ['OLD_FLAG'] })),
      sensitiveKeys: new Set(['TOGGLE', 'OLD_FLAG']),
    };
    const result = planChanges(d, live({ shop: { TOGGLE: 'off', OLD_FLAG: 'x' } }));
    expect(result.projects[0]!.env).toEqual([
      { key: 'OLD_FLAG', action: 'remove', sensitive: true },
      { key: 'TOGGLE', action: 'change', sensitive: true, source: literal('').source },
    ]);
    expect(desiredValues(d)('shop', result.projects[0]!.env[1]!)).toBe('on');
  });

  it('plans a create for a project that does not exist live', () => {
    const create = { cloud: 'aws', region: 'us-east-2', billingPlan: 'cloud_free' };
    const result = planChanges(desired(project('new', { A: literal('1'), S: secret('x', 'V') }, { create })), live({}));
    expect(result.projects[0]).toEqual({
      name: 'new',
      action: 'create',
      create,
      unmanaged: 0,
      env: [
        { key: 'A', action: 'add', sensitive: false, after: '1' },
        { key: 'S', action: 'add', sensitive: true, source: { fromEnv: 'V' } },
      ],
    });
    expect(result.summary).toMatchObject({ add: 2, create_projects: 1 });
  });

  it('plans a project marked destroy that exists as a delete, refused without allowDestroy or when protected', () => {
    const state = live({ old: { A: '1' }, kept: {} });
    const old = project('old', {}, { destroy: true });
    const kept = project('kept', {}, { destroy: true, protect: true });
    const deletion = { name: 'old', tenantId: 't-old', hash: 'h-old', action: 'delete', env: [], unmanaged: 0 };
    expect(planChanges(desired(old, kept), state, { allowDestroy: true }).projects).toEqual([
      { name: 'kept', tenantId: 't-kept', hash: 'h-kept', action: 'delete', env: [], unmanaged: 0, refused: 'protected' },
      deletion,
    ]);
    expect(planChanges(desired(old), state).projects).toEqual([{ ...deletion, refused: 'needs-allow-destroy' }]);
    expect(planChanges(desired(old, kept), state, { allowDestroy: true }).summary).toMatchObject({
      delete_projects: 1,
      refused_delete_projects: 1,
    });
    expect(planChanges(desired(old, kept), state).summary).toMatchObject({ delete_projects: 0, refused_delete_projects: 2 });
  });

  it('has nothing to do for a project marked destroy that does not exist', () => {
    const result = planChanges(desired(project('gone', {}, { destroy: true })), live({}), { allowDestroy: true });
    expect(result.projects).toEqual([{ name: 'gone', action: 'no-op', env: [], unmanaged: 0 }]);
    expect(result.summary).toEqual({ add: 0, change: 0, remove: 0, create_projects: 0, delete_projects: 0, refused_delete_projects: 0 });
  });

  it('is deterministic: sorted by project, then key, whatever the input order', () => {
    const a = project('b-proj', { Z: literal('z'), A: literal('a') });
    const b = project('a-proj', { M: literal('m') });
    const state = live({ 'a-proj': {}, 'b-proj': {} });
    const first = planChanges(desired(a, b), state);
    expect(first.projects.map((p) => p.name)).toEqual(['a-proj', 'b-proj']);
    expect(first.projects[1]!.env.map((c) => c.key)).toEqual(['A', 'Z']);
    expect(planChanges(desired(b, a), state)).toEqual(first);
  });

  it('treats keys named like Object.prototype members as plain keys', () => {
    const result = planChanges(
      desired(
        project(
          'shop',
          Object.fromEntries([
            ['constructor', literal('c')],
            ['__proto__', literal('p')],
          ]),
          { prune: true },
        ),
      ),
      live({ shop: Object.fromEntries([['toString', 't']]) }),
    );
    expect(result.projects[0]!.env.map((c) => [c.key, c.action])).toEqual([
      ['__proto__', 'add'],
      ['constructor', 'add'],
      ['toString', 'remove'],
    ]);
  });
});

describe('desiredValues()', () => {
  it('gives apply the value of a sensitive change from the desired state, never from the plan', () => {
    const d = desired(project('shop', { S: secret('the-secret', 'V'), P: literal('plain') }));
    const result = planChanges(d, live({ shop: {} }));
    const values = desiredValues(d);
    expect(result.projects[0]!.env.map((c) => values('shop', c))).toEqual(['plain', 'the-secret']);
  });
});
