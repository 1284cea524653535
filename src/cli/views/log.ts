import { CloudError, type CloudErrorKind } from '../../cloud/errors.js';
import {
  ValidationError,
  countDiagnostics,
  formatAnnotations,
  formatDiagnosticLines,
  formatDiagnostics,
} from '../../config/diagnostics.js';
import type { Diagnostic } from '../../config/types.js';
import { UserError, type ErrorKind } from '../../errors.js';
import type { ProjectFinding } from '../../hasura/check.js';
import type { Plan } from '../../plan/types.js';
import type { ViewMode } from '../../render/format.js';
import type { Failure } from '../../render/notes.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { HCR_VERSION } from '../../version.js';
import { ChecksFailed, checkDiagnostics } from '../checks.js';
import { UsageError } from '../command.js';
import { appendJobSummary, underGitHubActions } from '../github.js';
import type { ViewContext } from './view.js';
import { sourceMappedStack } from '../stack.js';

/** GitHub refuses a job summary over 1 MiB; leave room for other steps' summaries. */
const STEP_SUMMARY_LIMIT = 900_000;

/**
 * What every view writes besides its own output: the log on stderr (warnings and errors as
 * text), and under GitHub Actions the annotations on file and line and the job summary.
 */
export class Log {
  readonly #ctx: ViewContext;
  readonly #notes: Diagnostic[] = [];

  constructor(ctx: ViewContext) {
    this.#ctx = ctx;
  }

  /** Every warning and note of the run so far. */
  get notes(): readonly Diagnostic[] {
    return this.#notes;
  }

  /**
   * Under GitHub Actions: the full Markdown (which has room for what a pull-request comment may
   * have to cut) in the job summary, and the checks' errors and warnings as annotations.
   */
  plan(plan: Plan, mode: ViewMode, checks?: readonly ProjectFinding[]): void {
    const notes = this.#notes;
    appendJobSummary(this.#ctx, () => `${renderPlanMarkdown(plan, { mode, checks, notes, maxLength: STEP_SUMMARY_LIMIT })}\n`);
    if (checks) this.#annotate(checkDiagnostics(checks));
  }

  /**
   * The checks' findings as lines of the log, for a view whose output does not list them where a
   * reader of the log would see them (errors and warnings; notes are for hcr validate --verbose).
   */
  findings(checks: readonly ProjectFinding[]): void {
    this.#ctx.stderr.write(formatDiagnosticLines(checkDiagnostics(checks.filter((f) => f.level !== 'info'))));
  }

  /** One line each: `file:line:col: warning: message`. */
  diagnostics(diagnostics: readonly Diagnostic[]): void {
    if (diagnostics.length === 0) return;
    this.#notes.push(...diagnostics);
    this.#ctx.stderr.write(formatDiagnosticLines(diagnostics));
    this.#annotate(diagnostics);
  }

  /** Why the run failed: the problems at file:line:col, a message, or, for a bug, its stack. */
  error(err: unknown): void {
    const { stderr, style, redactor } = this.#ctx;
    if (err instanceof ValidationError) {
      stderr.write(formatDiagnostics(err.diagnostics, { githubActions: underGitHubActions(this.#ctx) }));
    } else if (err instanceof UsageError) {
      stderr.write(`${style.red('Error:')} ${err.message}\nRun \`hcr ${err.command ? `${err.command} ` : ''}--help\` for usage.\n`);
    } else if (err instanceof UserError || err instanceof CloudError) {
      stderr.write(`${style.red('Error:')} ${err.message}\n`);
    } else {
      // A bug's message and stack are no text hcr made: whatever secret the run knows is masked in them.
      const detail = redactor.mask(err instanceof Error ? sourceMappedStack(err) : String(err));
      stderr.write(
        `${style.red('Internal error:')} this is a bug in hcr ${HCR_VERSION}; please report it with the output below.\n${detail}\n`,
      );
    }
  }

  #annotate(diagnostics: readonly Diagnostic[]): void {
    if (underGitHubActions(this.#ctx)) this.#ctx.stderr.write(formatAnnotations(diagnostics));
  }
}

const CLOUD_ERRORS: Record<CloudErrorKind, ErrorKind> = {
  'not-authorized': 'auth',
  server: 'network',
  network: 'network',
  timeout: 'network',
  conflict: 'service',
  'nothing-changed': 'service',
  maintenance: 'service',
  'not-found': 'service',
  service: 'service',
};

/**
 * Why the run failed, for a program to act on (JSON) or a reader of a comment (Markdown): its
 * kind, a message, and the problems behind it. A bug's own message is left out (it is no text hcr
 * made, and might hold anything): the log has it, with the stack.
 */
export function describeFailure(err: unknown): Failure {
  if (err instanceof ValidationError) return { kind: 'input', message: countDiagnostics(err.diagnostics), diagnostics: err.diagnostics };
  if (err instanceof ChecksFailed) return { kind: err.kind, message: err.message, diagnostics: err.diagnostics };
  if (err instanceof UserError) return { kind: err.kind, message: err.message, diagnostics: [] };
  if (err instanceof CloudError) return { kind: CLOUD_ERRORS[err.kind], message: err.message, diagnostics: [] };
  const name = err instanceof Error ? err.name : typeof err;
  return {
    kind: 'internal',
    message: `internal error (${name}): this is a bug in hcr ${HCR_VERSION}; please report it with the stack trace hcr wrote to stderr`,
    diagnostics: [],
  };
}
