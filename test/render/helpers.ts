import { readFileSync } from 'node:fs';
import type { ApplyReport } from '../../src/apply/types.js';
import type { KeyChange, Plan, ProjectPlan } from '../../src/plan/types.js';

export const PLAN_FIXTURES = ['plan-mixed', 'plan-single', 'plan-no-changes', 'plan-escaping', 'plan-canary'] as const;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export const loadPlan = (name: string) => fixture(name) as Plan;
export const loadReport = (name: string) => fixture(name) as ApplyReport;

export const snapshotPath = (name: string) => `./__snapshots__/${name}`;

/** A plan as the planner would build it: projects `project-0000`…, each with `keys` changes from `change`. */
export function generatedPlan(projects: number, keys: number, change: (project: number, key: number) => KeyChange): Plan {
  const list: ProjectPlan[] = Array.from({ length: projects }, (_, p) => ({
    name: `project-${String(p).padStart(4, '0')}`,
    tenantId: `${String(p).padStart(8, '0')}-0000-4000-8000-000000000000`,
    hash: `hash-${p}`,
    action: 'update',
    env: Array.from({ length: keys }, (_, k) => change(p, k)).sort((a, b) => a.key.localeCompare(b.key)),
    unmanaged: p % 3,
  }));
  const all = list.flatMap((p) => p.env);
  const count = (action: KeyChange['action']) => all.filter((c) => c.action === action).length;
  return {
    format_version: 1,
    projects: list,
    summary: {
      add: count('add'),
      change: count('change'),
      remove: count('remove'),
      create_projects: 0,
      delete_projects: 0,
      refused_delete_projects: 0,
    },
  };
}

export const key = (k: number) => `KEY_${String(k).padStart(2, '0')}`;
