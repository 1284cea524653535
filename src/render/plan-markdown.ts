import type { ProjectFinding } from '../hasura/check.js';
import type { KeyAction, Plan } from '../plan/types.js';
import { placeOf, checksByProject, checksHeadline } from './checks.js';
import { cell, code, escapeHtml, escapeText, fenced } from './markdown.js';
import { countNotes, noteItems, type Note } from './notes.js';
import { plural } from '../util/words.js';
import {
  VALUE_WIDTH,
  countKeys,
  displayName,
  driftLegend,
  isDestroyed,
  keyLines,
  projectHeadline,
  REFUSAL,
  removalWarnings,
  summaryLine,
  tallyPlan,
  unchangedLine,
  type ChangedProject,
  type KeyCounts,
  type PlanTally,
  type ViewMode,
} from './format.js';

export interface PlanMarkdownOptions {
  mode: ViewMode;
  /** The longest comment GitHub accepts, by default. */
  maxLength?: number;
  /** The heading; `hcr plan` / `hcr drift` by default. */
  title?: string;
  /** The Hasura checks' findings, listed after the table. */
  checks?: readonly ProjectFinding[];
  /** What the run found to warn about (a project in maintenance mode), listed after the checks. */
  notes?: readonly Note[];
}

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Below this, the heading, a shortened table and the notes cannot all be promised to fit. */
export const MIN_MARKDOWN_LENGTH = 2_000;
/** Room kept for the note that says what was cut. */
const NOTE_RESERVE = 400;
/** How much of a value survives once long values have to go to make room. */
const SHORT_VALUE_WIDTH = 16;

/** GitHub's diff highlighting colours `+`, `-` and `!` lines; `~` would stay grey. */
const SYMBOL: Record<KeyAction, string> = { add: '+', change: '!', remove: '-' };

const ACTION_LABEL: Record<ViewMode, Record<ChangedProject['action'], string>> = {
  plan: { create: 'create', update: 'update', delete: 'destroy' },
  drift: { create: 'missing live', update: 'differs', delete: 'should not exist' },
};

function actionLabel(p: ChangedProject, mode: ViewMode): string {
  return mode === 'plan' && p.refused ? `destroy refused: ${code(REFUSAL[p.refused].why)}` : ACTION_LABEL[mode][p.action];
}

const COLUMNS: Record<ViewMode, string> = {
  plan: '| Project | Action | Add | Change | Remove | Unmanaged |',
  drift: '| Project | Drift | Missing live | Differs | Should be absent | Unmanaged |',
};

const COUNT_WORDS: Record<ViewMode, Record<KeyAction, string>> = {
  plan: { add: 'to add', change: 'to change', remove: 'to remove' },
  drift: { add: 'missing live', change: 'different', remove: 'extra' },
};

const LEGEND: Record<ViewMode, string> = {
  plan: `+ add, ${SYMBOL.change} change: before -> after, - remove`,
  drift: driftLegend(SYMBOL.change),
};

const name = (p: ChangedProject) => code(displayName(p.name));

function countsPhrase(counts: KeyCounts, mode: ViewMode): string {
  const actions: KeyAction[] = ['add', 'change', 'remove'];
  return actions
    .filter((a) => counts[a] > 0)
    .map((a) => `${counts[a]} ${COUNT_WORDS[mode][a]}`)
    .join(', ');
}

function detailsBlock(p: ChangedProject, mode: ViewMode, width: number): string {
  const lines = keyLines(p.env, width).map((l) => `${SYMBOL[l.action]} ${l.key}  ${l.value}`);
  const summary = `<code>${escapeHtml(displayName(p.name))}</code>${escapeHtml(projectHeadline(p, mode))}: ${countsPhrase(countKeys(p.env), mode)}`;
  return `<details><summary>${summary}</summary>\n\n${fenced('diff', lines)}\n\n</details>`;
}

/** A block of lines that may lose its tail to fit: `rest(shown)` stands in for the lines left out. */
interface Shrinkable {
  lead: string;
  lines: string[];
  rest(shown: number): string;
}

function fit(block: Shrinkable, budget: number): { text: string; cut: boolean } {
  const whole = [block.lead, ...block.lines].join('\n');
  if (whole.length <= budget) return { text: whole, cut: false };
  let used = block.lead.length;
  let shown = 0;
  for (const line of block.lines) {
    if (used + 1 + line.length > budget) break;
    used += 1 + line.length;
    shown += 1;
  }
  while (shown > 0 && used + 1 + block.rest(shown).length > budget) {
    shown -= 1;
    used -= 1 + (block.lines[shown]?.length ?? 0);
  }
  return { text: [block.lead, ...block.lines.slice(0, shown), block.rest(shown)].join('\n'), cut: true };
}

function warningBlock(t: PlanTally, mode: ViewMode): Shrinkable | undefined {
  const warnings = removalWarnings(t, mode);
  if (warnings.length === 0) return undefined;
  const deleted = mode === 'plan' ? 'the whole project will be destroyed' : 'the whole project should not exist';
  const listed = t.changed.filter((p) => isDestroyed(p, mode) || p.env.some((c) => c.action === 'remove'));
  const lines = listed.map((p) => {
    const removed = p.env.filter((c) => c.action === 'remove').map((c) => code(displayName(c.key)));
    return `> - ${name(p)}: ${[...(isDestroyed(p, mode) ? [deleted] : []), ...removed].join(', ')}`;
  });
  return {
    lead: `> [!WARNING]\n> **${warnings.map((w) => w.sentence).join('; ')}:**`,
    lines,
    rest: (shown) => `> - …and ${plural(listed.length - shown, 'more project')}`,
  };
}

function tableBlock(t: PlanTally, mode: ViewMode): Shrinkable | undefined {
  if (t.changed.length === 0) return undefined;
  const row = (first: string, second: string, c: KeyCounts, unmanaged: number) =>
    `| ${first} | ${second} | ${c.add} | ${c.change} | ${c.remove} | ${unmanaged} |`;
  return {
    lead: `${COLUMNS[mode]}\n| :-- | :-- | --: | --: | --: | --: |`,
    lines: t.changed.map((p) => row(cell(name(p)), cell(actionLabel(p, mode)), countKeys(p.env), p.unmanaged)),
    rest: (shown) => {
      const left = t.changed.slice(shown);
      const unmanaged = left.reduce((n, p) => n + p.unmanaged, 0);
      return row(`*…and ${plural(left.length, 'more project')}*`, '', countKeys(left.flatMap((p) => p.env)), unmanaged);
    },
  };
}

function joinClauses(clauses: string[]): string {
  const last = clauses.at(-1) ?? '';
  const text = clauses.length > 1 ? `${clauses.slice(0, -1).join(', ')} and ${last}` : last;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * The plan (or drift report) as a pull-request comment. When it is longer than `maxLength`, values are
 * shortened further, then projects lose their details from the end; the summary and the removals stay
 * (only a plan too large for even those is cut in them, and every cut is said).
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions): string {
  const { mode, maxLength = GITHUB_COMMENT_LIMIT, title } = options;
  if (maxLength < MIN_MARKDOWN_LENGTH)
    throw new RangeError(`maxLength must be at least ${MIN_MARKDOWN_LENGTH} characters, got ${maxLength}`);
  const t = tallyPlan(plan);
  const withEnv = t.changed.filter((p) => p.env.length > 0);
  const legend = `Details (${LEGEND[mode]}):`;

  const assemble = (parts: { warning?: string; table?: string; checks?: string; notes?: string; details: string[]; cutNote?: string }) =>
    `${[
      `## ${title === undefined ? `hcr ${mode}` : escapeText(title)}`,
      parts.warning,
      `**${summaryLine(t, mode)}**`,
      parts.table,
      unchangedLine(t, mode),
      parts.checks,
      parts.notes,
      ...(parts.details.length > 0 ? [legend, ...parts.details] : []),
      parts.cutNote,
    ]
      .filter((part) => part !== undefined)
      .join('\n\n')}\n`;

  const warning = warningBlock(t, mode);
  const table = tableBlock(t, mode);
  const checks = checksBlock(options.checks ?? []);
  const notes = notesBlock(options.notes ?? []);
  const fullDetails = withEnv.map((p) => detailsBlock(p, mode, VALUE_WIDTH));
  const full = assemble({
    warning: warning && fit(warning, Infinity).text,
    table: table && fit(table, Infinity).text,
    checks: checks && fit(checks, Infinity).text,
    notes: notes && fit(notes, Infinity).text,
    details: fullDetails,
  });
  if (full.length <= maxLength) return full;

  let budget = maxLength - assemble({ details: [] }).length - NOTE_RESERVE;
  const tableFloor = table ? fit(table, 0).text.length + 2 : 0;
  const warningFit = warning && fit(warning, budget - tableFloor - 2);
  budget -= warningFit ? warningFit.text.length + 2 : 0;
  const checksFit = checks && fit(checks, budget - tableFloor - 2);
  budget -= checksFit ? checksFit.text.length + 2 : 0;
  const notesFit = notes && fit(notes, budget - tableFloor - 2);
  budget -= notesFit ? notesFit.text.length + 2 : 0;
  const tableFit = table && fit(table, budget - 2);
  budget -= tableFit ? tableFit.text.length + 2 : 0;

  budget -= legend.length + 2;
  const cost = (blocks: string[]) => blocks.reduce((n, b) => n + b.length + 2, 0);
  const details = cost(fullDetails) <= budget ? fullDetails : withEnv.map((p) => detailsBlock(p, mode, SHORT_VALUE_WIDTH));
  let shown = 0;
  for (const block of details) {
    if (block.length + 2 > budget) break;
    budget -= block.length + 2;
    shown += 1;
  }
  const kept = details.slice(0, shown);

  const clauses: string[] = [];
  if (warningFit?.cut) clauses.push('the list of removals was shortened');
  if (checksFit?.cut) clauses.push('the list of Hasura checks was shortened');
  if (notesFit?.cut) clauses.push('the list of warnings was shortened');
  if (tableFit?.cut) clauses.push('the table was shortened');
  if (kept.some((block, i) => block !== fullDetails[i])) clauses.push('long values were shortened');
  if (shown < withEnv.length) clauses.push(`details of ${plural(withEnv.length - shown, 'project')} were cut`);
  const cutNote = `${joinClauses(clauses)} to fit a GitHub comment; run hcr ${mode} locally or see the job summary for the full ${mode === 'plan' ? 'plan' : 'report'}.`;
  return assemble({
    warning: warningFit?.text,
    table: tableFit?.text,
    checks: checksFit?.text,
    notes: notesFit?.text,
    details: kept,
    cutNote,
  });
}

const CHECK_MARK = { error: '❌ **error**', warning: '⚠️ **warning**', info: '' };

/** The Hasura checks by project, errors first, one list item each (notes counted in the headline); what does not fit is counted. */
function checksBlock(findings: readonly ProjectFinding[]): Shrinkable | undefined {
  if (findings.length === 0) return undefined;
  const listed = checksByProject(findings.filter((f) => f.level !== 'info')).flatMap(({ findings: list }) => list);
  const lines = listed.map((f) => {
    const place = placeOf(f);
    const text = f.key === undefined ? escapeText(f.message) : `${code(f.key)}: ${escapeText(f.message)}`;
    return `- ${CHECK_MARK[f.level]} ${code(f.rule)} in ${code(displayName(f.project))}: ${text}${place ? ` (${code(place)})` : ''}`;
  });
  return {
    lead: `**${checksHeadline(findings)}**${lines.length > 0 ? '\n' : ''}`,
    lines,
    rest: (shown) => `- …and ${plural(listed.length - shown, 'more finding')}`,
  };
}

/** The run's warnings and notes, errors first, one list item each; what does not fit is counted. */
function notesBlock(notes: readonly Note[]): Shrinkable | undefined {
  if (notes.length === 0) return undefined;
  return {
    lead: `**${countNotes(notes)}:**\n`,
    lines: noteItems(notes),
    rest: (shown) => `- …and ${notes.length - shown} more`,
  };
}
