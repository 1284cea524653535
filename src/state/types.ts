/** A live project as the state reader found it. */
export interface LiveProject {
  tenantId: string;
  hash: string;
  env: Record<string, string>;
  /** Hasura Cloud refuses env writes to a project in maintenance mode. */
  maintenance?: boolean;
}

/** Live state by project name; a desired project missing here does not exist (and has `create`). */
export type LiveState = ReadonlyMap<string, LiveProject>;
