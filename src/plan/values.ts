import type { Desired } from '../config/types.js';
import type { LiveState } from '../state/types.js';
import type { KeyChange, Plan } from './types.js';

/**
 * Gives apply the value to write for an add or change. A Plan holds no sensitive value, so those
 * come from here: from the loaded desired state for a fresh plan, from their sources (checked
 * against the reviewed hash) for a saved one.
 */
export type ValueResolver = (project: string, change: KeyChange) => string;

export function desiredValues(desired: Desired): ValueResolver {
  const envs = new Map(desired.projects.map((p) => [p.name, p.env]));
  return (project, change) => {
    if (!change.sensitive && change.after !== undefined) return change.after;
    const env = envs.get(project);
    const declared = env && Object.hasOwn(env, change.key) ? env[change.key] : undefined;
    if (!declared) throw new Error(`no desired value for ${project}.${change.key}`);
    return declared.value;
  };
}

/**
 * Both sides of every change the plan hides: the live values and the values apply will write. No
 * view holds them; they are what to mask should the service repeat one in an error.
 */
export function hiddenValues(plan: Plan, desired: Desired, live: LiveState): string[] {
  const values = desiredValues(desired);
  return plan.projects.flatMap((p) => {
    const env = live.get(p.name)?.env ?? {};
    return p.env
      .filter((change) => change.sensitive)
      .flatMap((change) => [
        ...(Object.hasOwn(env, change.key) ? [env[change.key]!] : []),
        ...(change.action === 'remove' ? [] : [values(p.name, change)]),
      ]);
  });
}
