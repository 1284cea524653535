import type { ApplyReport } from '../../apply/types.js';
import type { Diagnostic } from '../../config/types.js';
import type { ProjectFinding } from '../../hasura/check.js';
import type { Plan } from '../../plan/types.js';
import { tallyPlan, type ViewMode } from '../../render/format.js';
import { escapeText } from '../../render/markdown.js';
import { notesMarkdown, renderFailureMarkdown } from '../../render/notes.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPreviewMarkdown } from '../../render/preview.js';
import { renderReportMarkdown } from '../../render/report.js';
import type { PreviewApp } from '../../render/preview.js';
import { Log, describeFailure } from './log.js';
import type { View, ViewContext } from './view.js';

/**
 * `--format markdown`: what a pull-request comment shows, on stdout. Warnings and notes go into
 * the next block written (the plan lists them after its checks), or at the end; a failure is a
 * comment too, that says there is no plan and why, rather than leave an old one standing.
 */
export class MarkdownView implements View {
  readonly #ctx: ViewContext;
  readonly #log: Log;
  readonly #command: string;
  /** How many of the log's notes the blocks written so far hold. */
  #shown = 0;
  #written = false;

  constructor(ctx: ViewContext, command: string) {
    this.#ctx = ctx;
    this.#log = new Log(ctx);
    this.#command = command;
  }

  plan(plan: Plan, mode: ViewMode, checks?: readonly ProjectFinding[]): void {
    this.#log.plan(plan, mode, checks);
    this.#write(renderPlanMarkdown(plan, { mode, checks, notes: this.#unshown() }));
  }

  proposal(plan: Plan, checks: readonly ProjectFinding[]): void {
    this.plan(plan, 'plan', checks);
  }

  /** Below the plan; a plan without changes, which says so, has nothing to report. */
  report(report: ApplyReport, plan: Plan): void {
    if (tallyPlan(plan).changed.length === 0) return;
    this.#write(renderReportMarkdown(report, { plan, notes: this.#unshown() }));
  }

  previewApp(app: PreviewApp): void {
    this.#write(renderPreviewMarkdown(app, this.#unshown()));
  }

  diagnostics(diagnostics: readonly Diagnostic[]): void {
    this.#log.diagnostics(diagnostics);
  }

  say(sentence: string): void {
    this.#write(`${escapeText(sentence.trim())}\n`);
  }

  close(): void {
    const notes = this.#unshown();
    if (notes.length > 0) this.#write(`${notesMarkdown(notes)}\n`);
  }

  fail(err: unknown): number {
    this.#log.error(err);
    const failure = describeFailure(err);
    // Below a plan that lists them (its Hasura checks), the problems are not listed again.
    const shown = this.#written ? { ...failure, diagnostics: [] } : failure;
    this.#write(renderFailureMarkdown(`hcr ${this.#command}`, shown, { heading: !this.#written, notes: this.#unshown() }));
    return 1;
  }

  #unshown(): readonly Diagnostic[] {
    const notes = this.#log.notes.slice(this.#shown);
    this.#shown = this.#log.notes.length;
    return notes;
  }

  #write(markdown: string): void {
    this.#ctx.stdout.write(this.#written ? `\n${markdown}` : markdown);
    this.#written = true;
  }
}
