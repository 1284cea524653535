import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ValidationError, formatDiagnostics, hasErrors } from '../../config/diagnostics.js';
import { loadDesired } from '../../config/load.js';
import { sarifLog } from '../../config/sarif.js';
import type { Desired, Diagnostic } from '../../config/types.js';
import { HCR_VERSION } from '../../version.js';
import type { Argv } from 'yargs';
import { desiredOptions } from '../options.js';
import { plural } from '../../util/words.js';
import { defineCommand, type ArgsOf } from '../command.js';
import { maskSensitive, type Context, type GlobalArgs } from '../context.js';
import { underGitHubActions } from '../github.js';
import { checkDesired, checkDiagnostics } from '../checks.js';

const options = (y: Argv<GlobalArgs>) =>
  desiredOptions(y)
    .option('format', {
      choices: ['text', 'sarif'] as const,
      default: 'text' as 'text' | 'sarif',
      describe: 'text, or sarif: a SARIF 2.1.0 log of every problem on stdout, for GitHub code scanning',
    })
    .example('hcr validate', 'Check hasura-cloud.yaml: its syntax, references and the Hasura checks, each problem at file:line:col')
    .example('hcr validate -f envs/ --verbose', 'Every file of envs/, with the notes too')
    .example('hcr validate --format sarif > hcr.sarif', 'For GitHub code scanning (upload it with github/codeql-action/upload-sarif)');

type ValidateArgs = ArgsOf<typeof options>;

export const validateCommand = defineCommand({
  builder: options,
  run: async (ctx, args) => {
    const { desired, diagnostics } = await validate(ctx, args);
    if (args.format === 'sarif') {
      const root = repositoryRoot(ctx.cwd);
      const uri = (file: string) => relative(root, resolve(ctx.cwd, file)).split(sep).map(encodeURIComponent).join('/');
      ctx.stdout.write(`${JSON.stringify(sarifLog(diagnostics, { version: HCR_VERSION, uri }), null, 2)}\n`);
      return hasErrors(diagnostics) ? 1 : 0;
    }
    // Notes (Hasura Cloud specifics, deprecations) are for a closer look: --verbose, SARIF.
    const shown = ctx.verbose ? diagnostics : diagnostics.filter((d) => d.severity !== 'info');
    const notes = diagnostics.length - shown.length;
    if (hasErrors(shown)) throw new ValidationError(shown);
    if (shown.length > 0) ctx.stderr.write(formatDiagnostics(shown, { githubActions: underGitHubActions(ctx) }));
    const hidden = notes > 0 ? ` (${plural(notes, 'note')}: hcr validate --verbose lists ${notes === 1 ? 'it' : 'them'})` : '';
    ctx.stdout.write(`Valid: ${plural(desired!.projects.length, 'project')} in ${plural(desired!.files.length, 'file')}${hidden}.\n`);
    return 0;
  },
});

/**
 * The problems of the files, or, once they are valid, the findings of the Hasura checks. For
 * SARIF, the file's own problems are results too rather than an error.
 */
async function validate(ctx: Context, args: ValidateArgs): Promise<{ desired?: Desired; diagnostics: Diagnostic[] }> {
  let desired: Desired;
  try {
    desired = await loadDesired(args.file, { cwd: ctx.cwd, env: ctx.env, projects: args.project, shard: args.shard });
  } catch (err) {
    if (err instanceof ValidationError && args.format === 'sarif') return { diagnostics: err.diagnostics };
    throw err;
  }
  maskSensitive(ctx, desired);
  return { desired, diagnostics: checkDiagnostics(checkDesired(desired)) };
}

/** The directory holding .git above `cwd` (code scanning takes paths from the repository's root), else `cwd`. */
function repositoryRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}
