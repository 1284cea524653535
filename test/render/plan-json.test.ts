import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { jsonDocument, planJson } from '../../src/render/index.js';
import { PLAN_FIXTURES, loadPlan } from './helpers.js';

type Doc = { format_version: number; projects: Record<string, any>[]; summary: Record<string, number>; checks?: unknown[] };
const json = (plan: Plan): Doc => JSON.parse(jsonDocument(planJson(plan))) as Doc;

/** The fields README gives the JSON plan: nothing else may get out of a Plan. */
const PROJECT_FIELDS = ['name', 'tenantId', 'hash', 'action', 'create', 'refused', 'env', 'unmanaged'];
const ENTRY_FIELDS = ['key', 'action', 'sensitive', 'before', 'after'];

// What the view adds to the Plan it is given, beyond the snapshots (which mostly echo their fixture).
describe('the JSON view of a plan', () => {
  it('is one pretty-printed document, of format_version 1', () => {
    const text = jsonDocument(planJson(loadPlan('plan-single')));
    expect(text).toMatch(/^\{\n {2}"format_version": 1,\n/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('says where a project to create will be made: cloud, region and plan', () => {
    const preview = json(loadPlan('plan-mixed')).projects.find((p) => p.name === 'shop-preview');
    expect(preview).toMatchObject({ action: 'create', create: { cloud: 'aws', region: 'us-east-2', plan: 'cloud_payg' } });

    // Without a plan in the file, Hasura Cloud picks it: there is none to show.
    const mixed = loadPlan('plan-mixed');
    const noPlan: Plan = {
      ...mixed,
      projects: mixed.projects.map((p) => (p.create ? { ...p, create: { cloud: 'gcp', region: 'europe-west1' } } : p)),
    };
    expect(json(noPlan).projects.find((p) => p.name === 'shop-preview')!.create).toEqual({ cloud: 'gcp', region: 'europe-west1' });
    for (const p of json(mixed).projects.filter((q) => q.action !== 'create')) expect(p, p.name).not.toHaveProperty('create');
  });

  it.each(PLAN_FIXTURES)('gives only the documented fields of %s: no source of a secret, no stray value', (name) => {
    for (const p of json(loadPlan(name)).projects) {
      for (const field of Object.keys(p)) expect(PROJECT_FIELDS, `${p.name}.${field}`).toContain(field);
      for (const entry of p.env) {
        for (const field of Object.keys(entry)) expect(ENTRY_FIELDS, `${p.name}.${entry.key}.${field}`).toContain(field);
        if (entry.sensitive) expect(Object.keys(entry), `${p.name}.${entry.key}`).toEqual(['key', 'action', 'sensitive']);
      }
    }
  });

  it('recounts the summary from the entries it shows, whatever the Plan says', () => {
    const mixed = loadPlan('plan-mixed');
    const wrong: Plan = {
      ...mixed,
      summary: { add: 99, change: 99, remove: 99, create_projects: 9, delete_projects: 9, refused_delete_projects: 9 },
    };
    expect(json(wrong).summary).toEqual({
      add: 4,
      change: 3,
      remove: 3,
      create_projects: 1,
      delete_projects: 1,
      refused_delete_projects: 1,
    });
  });

  it('has a checks array only when it is given findings to show (a saved plan shown again has none)', () => {
    const plan = loadPlan('plan-single');
    expect(json(plan)).not.toHaveProperty('checks');
    expect(JSON.parse(jsonDocument(planJson(plan, [])))).toHaveProperty('checks', []);
  });
});
