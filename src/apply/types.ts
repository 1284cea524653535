import type { DeletionRefusal } from '../plan/types.js';

/** What apply did, per project: the closing report of every run that writes. */
export type ProjectOutcome =
  /** Every change of the plan was written. */
  | 'applied'
  /** The project was created (with its env). */
  | 'created'
  /** The project was deleted (its tenant, with its env). */
  | 'deleted'
  /** Nothing to do: no change planned, or (`alreadyApplied`) every change of the plan was live already. */
  | 'unchanged'
  /** A deletion the plan refused (`refused` says why): nothing was done. */
  | 'refused'
  /** The project changed since it was read: nothing was written to it (exit 3). */
  | 'conflict'
  /** A write was refused or failed; `set`/`removed` say exactly which half landed. */
  | 'failed'
  /** A write's answer was lost and reading back could not tell whether it landed. */
  | 'unknown';

export interface ProjectReport {
  name: string;
  outcome: ProjectOutcome;
  /** Keys that updateTenantEnv (or createTenant) wrote. */
  set: string[];
  /** Keys that deleteTenantEnv removed. */
  removed: string[];
  /** Keys of the plan that were not written. */
  pending: string[];
  /** Why the project is conflict / failed / unknown (what the service said, never a value), or already applied. */
  reason?: string;
  /** Why a deletion was not made (outcome `refused`). */
  refused?: DeletionRefusal;
  /** The name Hasura Cloud gave a created project instead of the one asked for (hcr then renamed it). */
  createdAs?: string;
  /**
   * For a project to create: what hcr did, in order, in words (never a value): how it was made
   * or found, the env set after the create, the marker removed.
   */
  steps?: string[];
  /**
   * Set on an `unchanged` project that the plan would have changed: the project already holds every
   * change of the plan (a saved plan applied again), so nothing was written to it.
   */
  alreadyApplied?: true;
  /** Set on a `failed` project that apply was stopped (ApplyOptions.stop) before it sent anything to. */
  notStarted?: true;
  /** The config hash after the last accepted write (or read, for a plan already applied). */
  hash?: string;
}

export interface ApplyReport {
  /** Sorted by project name. */
  projects: ProjectReport[];
}
