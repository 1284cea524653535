import type { CreateEntry } from '../config/declared.js';
import type { ValueSource } from '../config/types.js';
import type { KeyChange, Plan, PlanSummary, ProjectPlan } from '../plan/types.js';

/**
 * A saved plan (`hcr plan --out FILE`) is the `plan --format json` document with a header in front
 * and, per sensitive add/change, where the value comes from and a slow, salted hash of it — never
 * the value. `hcr apply FILE` resolves every such value again and refuses the whole apply unless
 * each one still hashes to what was reviewed. schema/hcr.plan.schema.json describes the file.
 */

/**
 * This file format; bumped whenever an older hcr could misread a newer file. Format 2 added
 * project deletions and the summary's refused_delete_projects; format 1 files (which hold neither)
 * are still read, so that a plan saved just before an upgrade can be applied after it.
 */
export const SAVED_PLAN_FORMAT = 2;
export const READABLE_FORMATS = [1, SAVED_PLAN_FORMAT] as const;
export type ReadableFormat = (typeof READABLE_FORMATS)[number];

/** A key's change as the file holds it: a sensitive add/change also has the hash of its value. */
export type SavedEntry = KeyChange & { value_hash?: string };

/** A project's plan as the file holds it; its `create` in the desired-state file's words (`plan`, not `billingPlan`). */
export type SavedProject = Omit<ProjectPlan, 'env' | 'create'> & { env: SavedEntry[]; create?: CreateEntry };

/** The file: its header, then the `plan --format json` document's fields. */
export interface SavedPlanFile extends Omit<Plan, 'projects' | 'summary'> {
  hcr_saved_plan: ReadableFormat;
  hcr_version: string;
  endpoint: string;
  planned_at: string;
  value_hashing: { scheme: string; salt: string };
  projects: SavedProject[];
  /** Format 1 had no deletions, so no count of refused ones. */
  summary: Omit<PlanSummary, 'refused_delete_projects'> & Partial<Pick<PlanSummary, 'refused_delete_projects'>>;
}

/** A saved plan read back and checked: the Plan to apply and what its sensitive values must hash to. */
export interface SavedPlan {
  plan: Plan;
  hcrVersion: string;
  endpoint: string;
  plannedAt: string;
  salt: Buffer;
  /** Every sensitive add/change: where apply reads its value again, and what that must hash to. */
  reviewed: ReviewedValue[];
}

export interface ReviewedValue {
  project: string;
  key: string;
  source: ValueSource;
  hash: Buffer;
}

/** `plan.hcr: planned by hcr 0.1.0 at 2025-…Z against https://…` */
export function describeSavedPlan(saved: SavedPlan, display: string): string {
  return `${display}: planned by hcr ${saved.hcrVersion} at ${saved.plannedAt} against ${saved.endpoint}`;
}
