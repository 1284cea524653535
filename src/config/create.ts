import type { CreateEntry } from './declared.js';
import type { CreateOptions } from './types.js';

/**
 * A `create:` block as the file (and a saved plan, and the JSON plan) writes it: the billing plan is
 * `plan` there and `billingPlan` inside hcr, named apart from hcr's own plans.
 */
export function createEntry({ billingPlan, ...where }: CreateOptions): CreateEntry {
  return billingPlan === undefined ? where : { ...where, plan: billingPlan };
}

export function createOptions({ plan, ...where }: CreateEntry): CreateOptions {
  return plan === undefined ? where : { ...where, billingPlan: plan };
}
