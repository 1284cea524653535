import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Context } from './context.js';

/**
 * Sets the step's outputs when hcr runs under GitHub Actions, and does nothing elsewhere. Each is
 * appended to $GITHUB_OUTPUT as `name<<DELIMITER`, value, `DELIMITER`, with a delimiter no value
 * can contain (a new random one per call, as GitHub's own toolkit does), so any value is safe.
 */
export function setGitHubOutputs(ctx: Context, outputs: Record<string, string>): void {
  const file = ctx.env.GITHUB_OUTPUT;
  if (ctx.env.GITHUB_ACTIONS !== 'true' || !file) return;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = Object.entries(outputs)
    .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
    .join('');
  try {
    appendFileSync(file, ctx.redactor.apply(text));
  } catch (err) {
    throw new UserError(`cannot write the step outputs to GITHUB_OUTPUT (${file}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
