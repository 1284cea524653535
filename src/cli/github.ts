import { appendFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Context } from './context.js';

export const underGitHubActions = (ctx: Pick<Context, 'env'>): boolean => ctx.env.GITHUB_ACTIONS === 'true';

/**
 * Appends `text()` to the file a GitHub Actions variable names ($GITHUB_OUTPUT,
 * $GITHUB_STEP_SUMMARY); outside GitHub Actions, or with the variable unset, the text is not even made.
 */
function appendToGitHubFile(ctx: Pick<Context, 'env'>, variable: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', text: () => string): void {
  const file = ctx.env[variable];
  if (!underGitHubActions(ctx) || !file) return;
  try {
    appendFileSync(file, text());
  } catch (err) {
    throw new UserError(`cannot write to ${variable} (${file}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Sets the step's outputs. Each is appended to $GITHUB_OUTPUT as `name<<DELIMITER`, value,
 * `DELIMITER`, with a delimiter no value can contain (a new random one per call, as GitHub's own
 * toolkit does), so any value is safe.
 */
export function setGitHubOutputs(ctx: Context, outputs: Record<string, string>): void {
  appendToGitHubFile(ctx, 'GITHUB_OUTPUT', () => {
    // Web Crypto's global, which Node sets up when it is first used: node:crypto would load on every run of hcr.
    const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
    return Object.entries(outputs)
      .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
      .join('');
  });
}

/** Adds Markdown to the job's summary page. */
export function appendJobSummary(ctx: Pick<Context, 'env'>, markdown: () => string): void {
  appendToGitHubFile(ctx, 'GITHUB_STEP_SUMMARY', markdown);
}
