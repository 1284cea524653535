import type { ApplyReport } from '../../apply/types.js';
import { sortDiagnostics } from '../../config/diagnostics.js';
import type { Diagnostic } from '../../config/types.js';
import type { ProjectFinding } from '../../hasura/check.js';
import type { Plan } from '../../plan/types.js';
import { jsonDocument, type ViewMode } from '../../render/format.js';
import { failureJson, notesJson } from '../../render/notes.js';
import { planJson } from '../../render/plan-json.js';
import { previewJson, type PreviewApp } from '../../render/preview.js';
import { reportJson } from '../../render/report.js';
import { Log, describeFailure } from './log.js';
import type { View, ViewContext } from './view.js';

/**
 * `--format json`: ONE document on stdout, written when the run ends, and nothing else there. It
 * is the command's result (plan, report, preview app) with the run's `diagnostics`; a run that
 * failed has an `error` too — alone when the run failed before it had a result. Whoever reads
 * the log gets the text on stderr, as in every view.
 */
export class JsonView implements View {
  readonly #ctx: ViewContext;
  readonly #log: Log;
  #result: Record<string, unknown> = {};

  constructor(ctx: ViewContext) {
    this.#ctx = ctx;
    this.#log = new Log(ctx);
  }

  plan(plan: Plan, mode: ViewMode, checks?: readonly ProjectFinding[]): void {
    this.#log.plan(plan, mode, checks);
    this.#result = planJson(plan, checks);
  }

  /** Not in the document, which is apply's report: the checks' findings go to the log. */
  proposal(plan: Plan, checks: readonly ProjectFinding[]): void {
    this.#log.plan(plan, 'plan', checks);
    this.#log.findings(checks);
  }

  report(report: ApplyReport): void {
    this.#result = reportJson(report);
  }

  previewApp(app: PreviewApp): void {
    this.#result = previewJson(app);
  }

  diagnostics(diagnostics: readonly Diagnostic[]): void {
    this.#log.diagnostics(diagnostics);
  }

  say(sentence: string): void {
    this.#ctx.stderr.write(`${sentence}\n`);
  }

  close(): void {
    this.#write();
  }

  fail(err: unknown): number {
    this.#log.error(err);
    this.#write(failureJson(describeFailure(err)));
    return 1;
  }

  #write(error?: Record<string, unknown>): void {
    const document = {
      format_version: 1,
      ...(error && { error }),
      ...this.#result,
      diagnostics: notesJson(sortDiagnostics(this.#log.notes)),
    };
    this.#ctx.stdout.write(jsonDocument(document));
  }
}
