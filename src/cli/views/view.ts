import type { ApplyReport } from '../../apply/types.js';
import type { Diagnostic } from '../../config/types.js';
import type { ProjectFinding } from '../../hasura/check.js';
import type { Plan } from '../../plan/types.js';
import type { ViewMode } from '../../render/format.js';
import type { PreviewApp } from '../../render/preview.js';
import type { Context } from '../context.js';

/** The views a command with `--format` offers. */
export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * Where a run's output goes, in the one format chosen for the run: commands hand it what they
 * have to show and never ask which format it is. stderr is the log in every view (warnings and
 * errors as text, GitHub annotations and the job summary under Actions); stdout holds the view's
 * own output: text for a terminal, ONE JSON document, or Markdown for a comment.
 */
export interface View {
  /** A plan (mode plan), or the drift found (mode drift), with the Hasura checks' findings (none for a saved plan shown again). */
  plan(plan: Plan, mode: ViewMode, checks?: readonly ProjectFinding[]): void;
  /** The plan apply is about to write, for the user to approve; JSON, whose document is apply's report, leaves it out. */
  proposal(plan: Plan, checks: readonly ProjectFinding[]): void;
  /** What apply wrote, for the plan it applied. */
  report(report: ApplyReport, plan: Plan): void;
  /** The preview app `preview create` made. */
  previewApp(app: PreviewApp): void;
  /** Warnings, notes and errors that do not stop the run, at their place in the files when they have one. */
  diagnostics(diagnostics: readonly Diagnostic[]): void;
  /** A sentence about the outcome (`nothing was written`): on stdout where that is text, in the log where it is a JSON document. */
  say(sentence: string): void;
  /** The command returned its exit code: writes what the view held back. */
  close(): void;
  /** The command failed: says why, in the log and in the view's own output; the exit code (1). */
  fail(err: unknown): number;
}

/** What a view writes with: the run's context but for the view itself. */
export type ViewContext = Omit<Context, 'view'>;

/**
 * The view of `format`, or the text view for a command without --format (or validate's sarif,
 * which it writes itself). Each is loaded only when a run needs it: a text run never loads the
 * JSON renderers, which bring the planner with them.
 */
export async function openView(ctx: ViewContext, format: unknown, command: string): Promise<View> {
  if (format === 'json') return new (await import('./json.js')).JsonView(ctx);
  if (format === 'markdown') return new (await import('./markdown.js')).MarkdownView(ctx, command);
  return new (await import('./text.js')).TextView(ctx);
}
