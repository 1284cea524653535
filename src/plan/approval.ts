import type { LiveProject } from '../state/types.js';
import type { KeyChange, ProjectPlan } from './types.js';

/** A project's plan together with the live state it was made from. */
export interface PlannedProject {
  plan: ProjectPlan;
  live: LiveProject;
}

/**
 * Whether a fresh plan of a project, made after its approved plan met a moved hash, may be applied
 * in its place: it must make exactly the approved changes, and none of the keys they touch may
 * have moved live. Someone else's edit to other keys is then kept, while an edit to a key the
 * approval covers (or a new key prune would now delete) needs a new review.
 */
export function sameApproval(approved: PlannedProject, fresh: PlannedProject): boolean {
  const a = approved.plan.env;
  const b = fresh.plan.env;
  return (
    a.length === b.length &&
    a.every((change, i) => sameChange(change, b[i]!)) &&
    a.every(({ key }) => approved.live.env[key] === fresh.live.env[key])
  );
}

function sameChange(a: KeyChange, b: KeyChange): boolean {
  return (
    a.key === b.key &&
    a.action === b.action &&
    a.sensitive === b.sensitive &&
    a.after === b.after &&
    JSON.stringify(a.source) === JSON.stringify(b.source)
  );
}
