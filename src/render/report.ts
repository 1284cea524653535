import type { ApplyReport, ProjectOutcome, ProjectReport } from '../apply/types.js';
import type { Plan } from '../plan/types.js';
import { plural } from '../util/words.js';
import { REFUSAL, displayName } from './format.js';
import { escapeText, fenced } from './markdown.js';
import { notesMarkdown, type Note } from './notes.js';
import { style, type Style } from './style.js';

export type ReportSummary = Record<ProjectOutcome, number>;

export function summarizeReport(report: ApplyReport): ReportSummary {
  const summary: ReportSummary = { applied: 0, created: 0, deleted: 0, unchanged: 0, refused: 0, conflict: 0, failed: 0, unknown: 0 };
  for (const p of report.projects) summary[p.outcome] += 1;
  return summary;
}

export interface ReportTextOptions {
  style: Style;
  /** The plan that was applied: lets a failure say which pending keys were to be set and which removed. */
  plan?: Plan;
}

const keyList = (keys: readonly string[]) => keys.map(displayName).join(', ');
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What landed: `set A, B; removed OLD`, or `nothing written`. */
function written(p: ProjectReport): string {
  const parts: string[] = [];
  if (p.set.length > 0) parts.push(`set ${keyList(p.set)}`);
  if (p.removed.length > 0) parts.push(`removed ${keyList(p.removed)}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing written';
}

/** What a failure left unwritten, split by intent when the plan is known. */
function notWritten(p: ProjectReport, plan: Plan | undefined): string[] {
  if (p.pending.length === 0) return [];
  const env = plan?.projects.find((q) => q.name === p.name)?.env;
  if (!env) return [`not written: ${keyList(p.pending)}`];
  const removing = new Set(env.filter((c) => c.action === 'remove').map((c) => c.key));
  const toSet = p.pending.filter((k) => !removing.has(k));
  const toRemove = p.pending.filter((k) => removing.has(k));
  return [
    ...(toSet.length > 0 ? [`not set: ${keyList(toSet)}`] : []),
    ...(toRemove.length > 0 ? [`not removed: ${keyList(toRemove)}`] : []),
  ];
}

function counted(p: ProjectReport): string {
  const parts = [...(p.set.length > 0 ? [`${p.set.length} set`] : []), ...(p.removed.length > 0 ? [`${p.removed.length} removed`] : [])];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function projectLine(p: ProjectReport, { style, plan }: ReportTextOptions): string | undefined {
  const name = `${displayName(p.name)}: ${p.outcome}`;
  const reason = p.reason === undefined ? undefined : oneLine(p.reason);
  switch (p.outcome) {
    case 'unchanged':
      return undefined;
    case 'applied':
    case 'created': {
      const renamed =
        p.createdAs === undefined ? '' : `; Hasura Cloud named it ${displayName(p.createdAs)}, so hcr renamed it to ${displayName(p.name)}`;
      return `${style.green('✓')} ${name}${counted(p)}${renamed}`;
    }
    case 'deleted':
      return `${style.green('✓')} ${name}`;
    case 'refused': {
      const refusal = p.refused && REFUSAL[p.refused];
      return `${style.yellow('!')} ${name} — not destroyed${refusal ? ` (${refusal.why}); ${refusal.allow}` : ''}.`;
    }
    case 'conflict': {
      // An update's reason is the service's stale-hash message; a deletion's says what hcr found changed.
      const deletion = plan?.projects.find((q) => q.name === p.name)?.action === 'delete';
      return `${style.red('✗')} ${name} — ${deletion && reason ? reason : 'changed since the plan read it'}; ${written(p)}. Run hcr plan again.`;
    }
    case 'failed': {
      const detail = [written(p), ...notWritten(p, plan)].join('; ');
      return `${style.red('✗')} ${name} — ${detail}${reason === undefined ? '' : ` (${reason})`}`;
    }
    case 'unknown': {
      const detail = [
        ...(p.set.length > 0 || p.removed.length > 0 ? [written(p)] : []),
        ...(p.pending.length > 0 ? [`not confirmed: ${keyList(p.pending)}`] : []),
      ].join('; ');
      const why = reason ?? 'the answer to a write was lost';
      return `${style.yellow('?')} ${name} — ${why}; hcr could not confirm whether it landed${detail ? ` (${detail})` : ''}. Run hcr plan to see the live state.`;
    }
  }
}

/** As the plan's views list them: the projects the plan creates or deletes first, then the rest. */
function reviewOrder(projects: readonly ProjectReport[], plan: Plan | undefined): ProjectReport[] {
  const lifecycle = new Set(plan?.projects.filter((p) => p.action === 'create' || p.action === 'delete').map((p) => p.name));
  return [...projects.filter((p) => lifecycle.has(p.name)), ...projects.filter((p) => !lifecycle.has(p.name))];
}

/** One line per project that apply touched or tried to, then a Terraform-style closing line. */
export function renderReportText(report: ApplyReport, options: ReportTextOptions): string {
  const { lines, closing } = reportLines(report, options);
  return `${[...lines, options.style.bold(closing)].join('\n')}\n`;
}

/** The same as a comment: the closing line, then the projects' lines as the text view shows them; the run's notes after. */
export function renderReportMarkdown(report: ApplyReport, options: { plan?: Plan; notes?: readonly Note[] }): string {
  const { lines, closing } = reportLines(report, { style: style(false), plan: options.plan });
  const notes = options.notes ?? [];
  const parts = [
    '## hcr apply',
    `**${escapeText(closing)}**`,
    ...(lines.length > 0 ? [fenced('', lines)] : []),
    ...(notes.length > 0 ? [notesMarkdown(notes)] : []),
  ];
  return `${parts.join('\n\n')}\n`;
}

function reportLines(report: ApplyReport, options: ReportTextOptions): { lines: string[]; closing: string } {
  const s = summarizeReport(report);
  const lines = reviewOrder(report.projects, options.plan).flatMap((p) => {
    const line = projectLine(p, options);
    // A create's steps: how it was made or found, and what was set and removed after.
    return line === undefined ? [] : [line, ...(p.steps ?? []).map((step) => options.style.dim(`    - ${oneLine(step)}`))];
  });
  const ok = s.conflict + s.failed + s.unknown === 0;
  // Only the outcomes that happened: a line of zeros hides the one count that matters at a glance.
  const counts = Object.entries(s)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => (outcome === 'refused' ? `${plural(n, 'deletion')} refused` : `${n} ${outcome}`))
    .join(', ');
  return { lines, closing: `Apply ${ok ? 'complete' : 'incomplete'}: ${counts}.` };
}

function projectJson(p: ProjectReport): Record<string, unknown> {
  return {
    name: p.name,
    outcome: p.outcome,
    set: p.set,
    removed: p.removed,
    pending: p.pending,
    reason: p.reason,
    refused: p.refused,
    createdAs: p.createdAs,
    steps: p.steps,
    hash: p.hash,
  };
}

/** `apply --format json`: every project's outcome and the counts. */
export function reportJson(report: ApplyReport): Record<string, unknown> {
  return { format_version: 1, projects: report.projects.map(projectJson), summary: summarizeReport(report) };
}
