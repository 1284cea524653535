import type { Desired } from '../config/types.js';
import type { KeyChange } from './types.js';

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
