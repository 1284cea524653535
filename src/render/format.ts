import { plural } from '../util/words.js';
import type { DeletionRefusal, KeyAction, KeyChange, Plan, ProjectAction, ProjectPlan } from '../plan/types.js';

/** `plan` shows what apply would do; `drift` shows the same Plan as a read-only report of differences. */
export type ViewMode = 'plan' | 'drift';

/** How many characters of a value the views show before shortening it in the middle. */
export const VALUE_WIDTH = 72;

export interface KeyCounts {
  add: number;
  change: number;
  remove: number;
}

export function countKeys(env: readonly KeyChange[]): KeyCounts {
  const counts: KeyCounts = { add: 0, change: 0, remove: 0 };
  for (const change of env) counts[change.action] += 1;
  return counts;
}

export type ChangedProject = ProjectPlan & { action: Exclude<ProjectAction, 'no-op'> };

export interface PlanTally extends KeyCounts {
  createProjects: number;
  /** Deletions apply will make. */
  deleteProjects: number;
  /** Deletions apply will not make (protected, or planned without --allow-destroy). */
  refusedDeletions: number;
  /**
   * Projects that differ from the desired state, refused deletions included, in review order:
   * creations and deletions first, then updates; each group in plan order.
   */
  changed: ChangedProject[];
  unchanged: number;
  /** Unmanaged keys of the unchanged projects (changed projects show their own). */
  unchangedUnmanaged: number;
  /** Changed projects that lose keys. */
  removingProjects: number;
}

const isChanged = (p: ProjectPlan): p is ChangedProject => p.action !== 'no-op';

export function tallyPlan(plan: Plan): PlanTally {
  const differing = plan.projects.filter(isChanged);
  const changed = [...differing.filter((p) => p.action !== 'update'), ...differing.filter((p) => p.action === 'update')];
  const keys = countKeys(changed.flatMap((p) => p.env));
  const unchanged = plan.projects.filter((p) => !isChanged(p));
  return {
    ...keys,
    createProjects: changed.filter((p) => p.action === 'create').length,
    deleteProjects: changed.filter((p) => p.action === 'delete' && !p.refused).length,
    refusedDeletions: changed.filter((p) => p.refused).length,
    changed,
    unchanged: unchanged.length,
    unchangedUnmanaged: unchanged.reduce((n, p) => n + p.unmanaged, 0),
    removingProjects: changed.filter((p) => p.env.some((c) => c.action === 'remove')).length,
  };
}

/** How many projects apply will change: the differing ones but for refused deletions. */
const projectsToChange = (t: PlanTally): number => t.changed.length - t.refusedDeletions;

/** What a plan's header says it will do, e.g. `hcr will change 2 projects; 1 deletion is refused:`. */
export function planHeader(t: PlanTally): string {
  const acting = projectsToChange(t);
  const change = `hcr will change ${acting === 0 ? 'nothing' : plural(acting, 'project')}`;
  return t.refusedDeletions === 0
    ? `${change}:`
    : `${change}; ${plural(t.refusedDeletions, 'deletion')} ${t.refusedDeletions === 1 ? 'is' : 'are'} refused:`;
}

/** The last line of every view of a plan: Terraform's `Plan: …` or the drift equivalent. */
export function summaryLine(t: PlanTally, mode: ViewMode): string {
  if (t.changed.length === 0) {
    return mode === 'plan' ? 'No changes. Live state matches the desired state.' : 'No drift. Live state matches the desired state.';
  }
  const parts: string[] = [];
  if (mode === 'plan') {
    const refused = t.refusedDeletions > 0 ? `${plural(t.refusedDeletions, 'project deletion')} refused.` : '';
    const acting = projectsToChange(t);
    if (acting === 0) return `Plan: no changes; ${refused}`;
    if (t.createProjects > 0) parts.push(`${plural(t.createProjects, 'project')} to create`);
    if (t.deleteProjects > 0) parts.push(`${plural(t.deleteProjects, 'project')} to destroy`);
    parts.push(`${t.add} to add`, `${t.change} to change`, `${t.remove} to remove`);
    return `Plan: ${parts.join(', ')} in ${plural(acting, 'project')}.${refused && ` ${refused}`}`;
  }
  const where = `in ${plural(t.changed.length, 'project')}.`;
  const extra = t.deleteProjects + t.refusedDeletions;
  if (t.createProjects > 0) parts.push(`${plural(t.createProjects, 'project')} missing`);
  if (extra > 0) parts.push(plural(extra, 'extra project'));
  const keys = t.add + t.change + t.remove;
  parts.push(`${plural(keys, 'key')} ${keys === 1 ? 'differs' : 'differ'}`);
  return `Drift: ${parts.join(', ')} ${where}`;
}

/** Says how many projects have nothing to do, and what hcr leaves alone in them. */
export function unchangedLine(t: PlanTally, mode: ViewMode): string | undefined {
  if (t.unchanged === 0) return undefined;
  const projects = mode === 'plan' ? `${plural(t.unchanged, 'project')} unchanged` : `${plural(t.unchanged, 'project')} without drift`;
  const unmanaged = t.unchangedUnmanaged > 0 ? ` (${unmanagedNote(t.unchangedUnmanaged)})` : '';
  return `${projects}${unmanaged}.`;
}

export const unmanagedNote = (n: number): string => `${plural(n, 'unmanaged key')} left alone`;

export interface Warning {
  sentence: string;
  /** How many keys or projects the sentence is about. */
  count: number;
}

/** The destructive parts of a plan, one sentence each, for the views to put in front of a reviewer. */
export function removalWarnings(t: PlanTally, mode: ViewMode): Warning[] {
  const warnings: Warning[] = [];
  if (t.remove > 0) {
    const keys = plural(t.remove, 'key');
    const projects = plural(t.removingProjects, 'project');
    warnings.push({
      count: t.remove,
      sentence:
        mode === 'plan'
          ? `${keys} will be removed from ${projects}`
          : `${keys} in ${projects} ${t.remove === 1 ? 'is' : 'are'} present live but should be absent`,
    });
  }
  const deleted = mode === 'plan' ? t.deleteProjects : t.deleteProjects + t.refusedDeletions;
  if (deleted > 0) {
    const projects = plural(deleted, 'project');
    warnings.push({
      count: deleted,
      sentence:
        mode === 'plan'
          ? `${projects} will be destroyed`
          : `${projects} ${deleted === 1 ? 'exists' : 'exist'} live but should be destroyed`,
    });
  }
  return warnings;
}

/** Whether a view lists this project among what will be destroyed (or, in drift, should be). */
export const isDestroyed = (p: ChangedProject, mode: ViewMode): boolean => p.action === 'delete' && (mode === 'drift' || !p.refused);

const HEADLINE: Record<ViewMode, Record<ChangedProject['action'], string>> = {
  plan: { create: 'will be created', update: 'will be updated in place', delete: 'will be destroyed' },
  drift: { create: 'is missing live', update: 'differs from the desired state', delete: 'exists live but should be destroyed' },
};

/** Why a deletion is refused, and what would allow it. */
export const REFUSAL: Record<DeletionRefusal, { why: string; allow: string }> = {
  protected: { why: 'protect: true', allow: 'set protect: false on it to allow it' },
  'needs-allow-destroy': { why: 'needs --allow-destroy', allow: 'plan and apply with --allow-destroy to destroy it' },
};

/** What follows a project's name in its header, e.g. ` (7a79cf94) will be updated in place`. */
export function projectHeadline(p: ChangedProject, mode: ViewMode): string {
  const tenant = p.tenantId === undefined ? '' : ` (${p.tenantId.slice(0, 8)})`;
  if (p.refused) {
    const { why, allow } = REFUSAL[p.refused];
    return mode === 'plan'
      ? `${tenant} deletion refused: ${why} — ${allow}`
      : `${tenant} ${HEADLINE.drift.delete} (deletion refused: ${why})`;
  }
  const where =
    mode === 'plan' && p.action === 'create' && p.create
      ? ` in ${p.create.cloud} ${p.create.region}${p.create.billingPlan ? ` (plan ${p.create.billingPlan})` : ''}`
      : '';
  return `${tenant} ${HEADLINE[mode][p.action]}${where}`;
}

/** In drift mode the symbols need words; the change symbol differs between text and Markdown. */
export function driftLegend(changeSymbol: string): string {
  return `+ missing live, ${changeSymbol} differs: live -> desired, - present live but should be absent`;
}

/** Characters a terminal or a reviewer could misread: controls, zero-width and bidi marks. */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const escapeInvisible = (json: string) => json.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Free text from elsewhere (a message, a name from live state) with control and invisible characters escaped. */
export const printable = (text: string): string => escapeInvisible(text).replace(/[\x00-\x1f]/g, (c) => JSON.stringify(c).slice(1, -1));

/** JSON-quotes a string so whitespace, newlines and invisible characters show as escapes. */
export const quote = (s: string): string => escapeInvisible(JSON.stringify(s));

/** A JSON view: one pretty-printed document and a newline; invisible characters escaped, still valid JSON. */
export const jsonDocument = (doc: unknown): string => `${escapeInvisible(JSON.stringify(doc, null, 2))}\n`;

/** A key or project name as is when it is plain printable ASCII, quoted otherwise. */
export function displayName(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) ? name : quote(name);
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** A quoted value; one longer than `width` keeps its start and end around an ellipsis and says how much is elided. */
export function formatValue(value: string, width: number): string {
  if (value.length <= width) return quote(value);
  let headEnd = Math.ceil((width * 2) / 3);
  let tailStart = value.length - (width - headEnd);
  if (isHighSurrogate(value.charCodeAt(headEnd - 1))) headEnd -= 1;
  if (isLowSurrogate(value.charCodeAt(tailStart))) tailStart += 1;
  const head = quote(value.slice(0, headEnd)).slice(0, -1);
  const tail = quote(value.slice(tailStart)).slice(1);
  const elided = value.slice(headEnd, tailStart);
  const chars = elided.length - (elided.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0);
  return `${head}…${tail} (${plural(chars, 'char')} elided)`;
}

/** Fails closed: an entry not explicitly marked non-sensitive (say, from a hand-edited plan file) is sensitive. */
export const isSensitive = (change: KeyChange): boolean => change.sensitive !== false;

/**
 * The value column of a key line. A sensitive entry's `before`/`after` are never read, even if present;
 * only where it comes from is shown: an env var, a SOPS file and pointer, or a file.
 */
function describeValue(change: KeyChange, width: number): string {
  if (isSensitive(change)) {
    const what = change.action === 'change' ? 'sensitive value changed' : 'sensitive value';
    const source = change.action !== 'remove' ? change.source : undefined;
    const from = !source
      ? ''
      : 'fromEnv' in source
        ? `, from env ${displayName(source.fromEnv)}`
        : 'fromSops' in source
          ? `, from sops ${displayName(source.fromSops)}`
          : 'fromFile' in source
            ? `, from file ${displayName(source.fromFile)}`
            : '';
    return `(${what}${from})`;
  }
  const show = (value: string | undefined) => (value === undefined ? '(no value in the plan)' : formatValue(value, width));
  switch (change.action) {
    case 'add':
      return show(change.after);
    case 'remove':
      return show(change.before);
    case 'change':
      return `${show(change.before)} -> ${show(change.after)}`;
  }
}

export interface KeyLine {
  action: KeyAction;
  /** The key, padded so the values of one project line up. */
  key: string;
  value: string;
}

/** A project's key changes for review: removals first, then the rest, each group in key order. */
export function keyLines(env: readonly KeyChange[], width: number): KeyLine[] {
  const ordered = [...env.filter((c) => c.action === 'remove'), ...env.filter((c) => c.action !== 'remove')];
  const named = ordered.map((change) => ({ change, name: displayName(change.key) }));
  const pad = Math.max(0, ...named.map((n) => n.name.length));
  return named.map(({ change, name }) => ({ action: change.action, key: name.padEnd(pad), value: describeValue(change, width) }));
}
