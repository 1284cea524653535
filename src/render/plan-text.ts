import type { ProjectFinding } from '../hasura/check.js';
import type { KeyAction, Plan } from '../plan/types.js';
import { placeOf, checkText, checksByProject, checksHeadline } from './checks.js';
import { plural } from '../util/words.js';
import type { Style } from './style.js';
import {
  VALUE_WIDTH,
  driftLegend,
  displayName,
  keyLines,
  planHeader,
  projectHeadline,
  removalWarnings,
  summaryLine,
  tallyPlan,
  unchangedLine,
  unmanagedNote,
  type ChangedProject,
  type ViewMode,
} from './format.js';

export interface PlanTextOptions {
  style: Style;
  mode: ViewMode;
  /** The Hasura checks' findings, listed before the closing line. */
  checks?: readonly ProjectFinding[];
}

const SYMBOL: Record<KeyAction, string> = { add: '+', change: '~', remove: '-' };
const PROJECT_AS_KEY: Record<ChangedProject['action'], KeyAction> = { create: 'add', update: 'change', delete: 'remove' };

function paint(style: Style, action: KeyAction): string {
  const colour = { add: style.green, change: style.yellow, remove: style.red }[action];
  return colour(SYMBOL[action]);
}

function projectBlock(p: ChangedProject, { style, mode }: PlanTextOptions): string[] {
  const symbol = p.refused ? style.yellow('!') : paint(style, PROJECT_AS_KEY[p.action]);
  const lines = [`  ${symbol} ${style.bold(displayName(p.name))}${projectHeadline(p, mode)}`];
  for (const line of keyLines(p.env, VALUE_WIDTH)) lines.push(`      ${paint(style, line.action)} ${line.key}  ${line.value}`);
  if (p.unmanaged > 0) lines.push(`      ${style.dim(`(${unmanagedNote(p.unmanaged)})`)}`);
  return lines;
}

/** The human view of a plan (or, in drift mode, of the drift it found), Terraform style. */
export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  const { style, mode } = options;
  const t = tallyPlan(plan);
  const lines: string[] = [];
  if (t.changed.length > 0) {
    lines.push(style.bold(mode === 'plan' ? planHeader(t) : `Drift detected in ${plural(t.changed.length, 'project')}:`));
    if (mode === 'drift') lines.push(style.dim(`(${driftLegend(SYMBOL.change)})`));
    for (const p of t.changed) lines.push('', ...projectBlock(p, options));
    lines.push('');
  }
  const unchanged = unchangedLine(t, mode);
  if (unchanged) lines.push(style.dim(unchanged));
  for (const { sentence, count } of removalWarnings(t, mode)) {
    lines.push(style.yellow(`${sentence}: review ${count === 1 ? 'it' : 'them'} above.`));
  }
  lines.push(...checksBlock(options.checks ?? [], style), style.bold(summaryLine(t, mode)));
  return `${lines.join('\n')}\n`;
}

/**
 * The Hasura checks by project, errors first: `✗ error hasura/bool KEY: message (file:line:col)`.
 * Notes are counted, not listed: hcr validate and the JSON view list them.
 */
function checksBlock(findings: readonly ProjectFinding[], style: Style): string[] {
  if (findings.length === 0) return [];
  const listed = findings.filter((f) => f.level !== 'info');
  const mark = { error: style.red('✗ error  '), warning: style.yellow('! warning'), info: '' };
  const lines = [style.bold(checksHeadline(findings))];
  for (const { project, findings: list } of checksByProject(listed)) {
    lines.push(`  ${style.bold(displayName(project))}`);
    for (const f of list) {
      const place = placeOf(f);
      lines.push(`    ${mark[f.level]} ${f.rule}  ${checkText(f)}${place ? style.dim(` (${place})`) : ''}`);
    }
  }
  return [...lines, ''];
}
