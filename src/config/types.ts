import type { Level, RuleId, Setting } from '../hasura/rules.js';

/** A position in a desired-state file, 1-based, as editors and Terraform show it. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem found while loading or validating desired state. */
export interface Diagnostic {
  at?: SourceLocation;
  /** What is wrong and what was expected, one sentence, naming the offending key or project. */
  message: string;
  /** error when unset: every problem of the file itself is one. */
  severity?: Level;
  /** The check that found it; unset for problems of the file itself (YAML, schema, references). */
  rule?: RuleId;
}

/**
 * Where a value comes from; kept in saved plans so apply can resolve a sensitive value again. A
 * fromSops/fromFile source keeps the desired-state file that named it: its path is relative to it.
 */
export type ValueSource =
  | { fromEnv: string }
  | { fromSops: string; file: string }
  | { fromFile: string; file: string }
  | { file: string; project: string; key: string };

export interface DesiredValue {
  value: string;
  sensitive: boolean;
  source: ValueSource;
  /** Where its key is declared (in the project, or in defaults): where checks of the value point. */
  keyAt: SourceLocation;
}

/** Where and how apply creates a project that does not exist yet (the file's `create`). */
export interface CreateOptions {
  cloud: string;
  region: string;
  /** The billing plan (`cloud_free`, `cloud_payg`): the file's and the API's `plan`, named apart from hcr's plans. */
  billingPlan?: string;
}

export interface DesiredProject {
  name: string;
  tenantId?: string;
  create?: CreateOptions;
  prune: boolean;
  /** Globs of keys never touched (in addition to the HASURA_* rule for prune). */
  ignore: string[];
  /** Keys to delete explicitly. */
  remove: string[];
  /** Declared keys, defaults merged under the project's own (the project wins). */
  env: Record<string, DesiredValue>;
  /** Delete the project (then it has no create, env, ignore, remove or prune). */
  destroy: boolean;
  /** Never delete the project, even when it is marked destroy. */
  protect: boolean;
  /** Check the project against Hasura's production checklist. */
  production: boolean;
  /** Levels of Hasura checks, defaults merged under the project's own. */
  checks: Partial<Record<RuleId, Setting>>;
  at: SourceLocation;
}

export interface Desired {
  /** Sorted by name. */
  projects: DesiredProject[];
  files: string[];
  /**
   * Every key declared sensitive anywhere in the files (defaults, or any project, selected or not):
   * such a key is sensitive in every project, also where another sets it plainly or removes it.
   */
  sensitiveKeys: ReadonlySet<string>;
}
