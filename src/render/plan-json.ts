import type { ProjectFinding } from '../hasura/check.js';
import type { KeyChange, Plan, ProjectPlan } from '../plan/types.js';
import { checksJson } from './checks.js';
import { summarize } from '../plan/plan.js';
import { isSensitive } from './format.js';

/**
 * Built field by field rather than serialising the Plan: only what README's plan JSON names gets out,
 * so a sensitive entry can never leak a stray value and no `source` (provenance of secrets) is exposed.
 */
function entry(change: KeyChange): Record<string, unknown> {
  if (isSensitive(change)) return { key: change.key, action: change.action, sensitive: true };
  return { key: change.key, action: change.action, sensitive: false, before: change.before, after: change.after };
}

function project(p: ProjectPlan): Record<string, unknown> {
  return {
    name: p.name,
    tenantId: p.tenantId,
    hash: p.hash,
    action: p.action,
    // Where a project to create will be made, and on which billing plan (`create.plan`, as the file says it): a reviewer has to see it.
    create: p.create && { cloud: p.create.cloud, region: p.create.region, plan: p.create.billingPlan },
    refused: p.refused,
    env: p.env.map(entry),
    unmanaged: p.unmanaged,
  };
}

/**
 * `plan --format json`: the summary is recounted from the entries it shows. With `checks` (plan,
 * apply, drift; not a saved plan shown again), the Hasura checks' findings.
 */
export function planJson(plan: Plan, checks?: readonly ProjectFinding[]): Record<string, unknown> {
  return {
    format_version: 1,
    projects: plan.projects.map(project),
    summary: summarize(plan.projects),
    ...(checks && { checks: checksJson(checks) }),
  };
}
