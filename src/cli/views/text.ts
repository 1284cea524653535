import type { ApplyReport } from '../../apply/types.js';
import type { Diagnostic } from '../../config/types.js';
import type { ProjectFinding } from '../../hasura/check.js';
import type { Plan } from '../../plan/types.js';
import { tallyPlan, type ViewMode } from '../../render/format.js';
import { renderPlanText } from '../../render/plan-text.js';
import { renderPreviewText, type PreviewApp } from '../../render/preview.js';
import { renderReportText } from '../../render/report.js';
import { Log } from './log.js';
import type { View, ViewContext } from './view.js';

/** For a terminal and a CI log: plans and reports on stdout, warnings and errors on stderr. */
export class TextView implements View {
  readonly #ctx: ViewContext;
  readonly #log: Log;

  constructor(ctx: ViewContext) {
    this.#ctx = ctx;
    this.#log = new Log(ctx);
  }

  plan(plan: Plan, mode: ViewMode, checks?: readonly ProjectFinding[]): void {
    this.#ctx.stdout.write(renderPlanText(plan, { style: this.#ctx.style, mode, checks }));
    this.#log.plan(plan, mode, checks);
  }

  proposal(plan: Plan, checks: readonly ProjectFinding[]): void {
    this.plan(plan, 'plan', checks);
  }

  /** Below the plan; a plan without changes, which says so, has nothing to report. */
  report(report: ApplyReport, plan: Plan): void {
    if (tallyPlan(plan).changed.length === 0) return;
    this.#ctx.stdout.write(`\n${renderReportText(report, { style: this.#ctx.style, plan })}`);
  }

  previewApp(app: PreviewApp): void {
    this.#ctx.stdout.write(renderPreviewText(app));
  }

  diagnostics(diagnostics: readonly Diagnostic[]): void {
    this.#log.diagnostics(diagnostics);
  }

  say(sentence: string): void {
    this.#ctx.stdout.write(`${sentence}\n`);
  }

  close(): void {}

  fail(err: unknown): number {
    this.#log.error(err);
    return 1;
  }
}
