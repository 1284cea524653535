import type { CreateOptions, ValueSource } from '../config/types.js';

export type KeyAction = 'add' | 'change' | 'remove';
export type ProjectAction = 'create' | 'update' | 'delete' | 'no-op';

/**
 * One key's change. A sensitive change never carries `before`/`after`; apply gets the value to
 * write from the plan's ValueResolver, so no view of a Plan can print a secret.
 */
export interface KeyChange {
  key: string;
  action: KeyAction;
  sensitive: boolean;
  before?: string;
  after?: string;
  /** For a sensitive add/change: where apply resolves the value from. */
  source?: ValueSource;
}

/**
 * Why a project marked `destroy` will not be deleted: it is `protect`ed, or the plan was made
 * without --allow-destroy. A refused deletion is still a difference from the desired state.
 */
export type DeletionRefusal = 'protected' | 'needs-allow-destroy';
export const DELETION_REFUSALS: readonly DeletionRefusal[] = ['protected', 'needs-allow-destroy'];

export interface ProjectPlan {
  name: string;
  tenantId?: string;
  /** The config hash read with the live env: apply's first `currentHash`. */
  hash?: string;
  action: ProjectAction;
  /** Sorted by key. */
  env: KeyChange[];
  /** Live keys hcr leaves alone (neither declared, removed, nor pruned). */
  unmanaged: number;
  create?: CreateOptions;
  /** Set on a `delete` that apply will not make. */
  refused?: DeletionRefusal;
}

export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
  create_projects: number;
  /** Deletions apply will make. */
  delete_projects: number;
  /** Deletions refused (protected, or planned without --allow-destroy). */
  refused_delete_projects: number;
}

/** The plan as README's plan JSON; also the core of a saved plan. Sorted by project name. */
export interface Plan {
  format_version: 1;
  projects: ProjectPlan[];
  summary: PlanSummary;
}
