import type { ProjectFinding } from '../hasura/check.js';
import type { Level } from '../hasura/rules.js';
import { plural } from '../util/words.js';

/** Errors first, notes last. */
export const LEVEL_ORDER: Record<Level, number> = { error: 0, warning: 1, info: 2 };

/** The findings of one project, errors first. */
export interface ProjectChecks {
  project: string;
  findings: ProjectFinding[];
}

/** By project, the projects with errors first, then with warnings, then the rest; each project's findings errors first. */
export function checksByProject(findings: readonly ProjectFinding[]): ProjectChecks[] {
  const byProject = new Map<string, ProjectFinding[]>();
  for (const finding of findings) byProject.set(finding.project, [...(byProject.get(finding.project) ?? []), finding]);
  const worst = (list: ProjectFinding[]) => Math.min(...list.map((f) => LEVEL_ORDER[f.level]));
  return [...byProject]
    .map(([project, list]) => ({ project, findings: [...list].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]) }))
    .sort((a, b) => worst(a.findings) - worst(b.findings) || (a.project < b.project ? -1 : a.project > b.project ? 1 : 0));
}

/**
 * `Hasura checks: 1 error, 2 warnings:`; notes, which plan views count but do not list, in
 * brackets: `Hasura checks: 1 warning (and 2 notes: hcr validate lists them):`.
 */
export function checksHeadline(findings: readonly ProjectFinding[]): string {
  const count = (level: Level) => findings.filter((f) => f.level === level).length;
  const listed = [plural(count('error'), 'error'), plural(count('warning'), 'warning')].filter((p) => !p.startsWith('0 '));
  const notes = count('info');
  const unlisted = notes === 0 ? '' : `${plural(notes, 'note')}, which hcr validate --verbose lists`;
  if (listed.length === 0) return `Hasura checks: ${unlisted}.`;
  return `Hasura checks: ${listed.join(', ')}${unlisted && ` (and ${unlisted})`}:`;
}

/** `KEY: message`, or the message of a finding about the project as a whole. */
export function checkText(finding: ProjectFinding): string {
  return finding.key === undefined ? finding.message : `${finding.key}: ${finding.message}`;
}

/** `file:line:col` of a finding or a note, when it has a place. */
export function placeOf(placed: { at?: ProjectFinding['at'] }): string | undefined {
  return placed.at && `${placed.at.file}:${placed.at.line}:${placed.at.col}`;
}

/** The `checks` array of the JSON views: field by field, so nothing but these reaches the output. */
export function checksJson(findings: readonly ProjectFinding[]): Record<string, unknown>[] {
  return checksByProject(findings).flatMap(({ findings: list }) =>
    list.map((f) => ({
      rule: f.rule,
      level: f.level,
      project: f.project,
      key: f.key ?? null,
      message: f.message,
      location: f.at ? { file: f.at.file, line: f.at.line, col: f.at.col } : null,
    })),
  );
}
