import { UserError } from '../errors.js';
import type { Level } from '../hasura/rules.js';
import type { Diagnostic, SourceLocation } from './types.js';
import { plural } from '../util/words.js';

/** Everything wrong with the desired state, found in one run. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(formatDiagnostics(diagnostics, { githubActions: false }).trimEnd());
  }
}

export interface FormatOptions {
  /** Also print a GitHub Actions `::error` annotation per problem. */
  githubActions: boolean;
}

/**
 * One `file:line:col: message` line per problem, sorted by place (problems without a place, such
 * as a missing path, first), then a count line. A check's finding says its level and rule:
 * `file:line:col: warning[hasura/unknown-name]: message`.
 */
export function formatDiagnostics(diagnostics: Diagnostic[], options: FormatOptions): string {
  const sorted = sortDiagnostics(diagnostics);
  const lines = sorted.map((d) => diagnosticLine(d, d.rule ? `${d.severity ?? 'error'}[${d.rule}]: ` : ''));
  if (options.githubActions) lines.push(formatAnnotations(sorted).trimEnd());
  lines.push(countDiagnostics(sorted));
  return `${lines.filter((line) => line !== '').join('\n')}\n`;
}

/**
 * What a run found to say besides its result (a project in maintenance mode, a preview app named
 * otherwise), one line each that always says its severity: `file:line:col: warning: message`, or
 * `warning[rule]: message`. No count: they are a few lines among the run's output.
 */
export function formatDiagnosticLines(diagnostics: readonly Diagnostic[]): string {
  return sortDiagnostics(diagnostics)
    .map((d) => `${diagnosticLine(d, `${d.severity ?? 'error'}${d.rule ? `[${d.rule}]` : ''}: `)}\n`)
    .join('');
}

function diagnosticLine(d: Diagnostic, label: string): string {
  return d.at ? `${formatLocation(d.at)}: ${label}${d.message}` : `${label}${d.message}`;
}

/** Whether any of them fails the command: an error (every problem without a severity is one). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => (d.severity ?? 'error') === 'error');
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

/** By place: problems without one (a missing path) first, then by file, line and column. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(byPlace);
}

export function byPlace(a: Diagnostic, b: Diagnostic): number {
  if (!a.at || !b.at) return (a.at ? 1 : 0) - (b.at ? 1 : 0);
  if (a.at.file !== b.at.file) return a.at.file < b.at.file ? -1 : 1;
  return a.at.line - b.at.line || a.at.col - b.at.col;
}

/** `2 problems in 1 file`; warnings and notes counted apart: `1 problem and 2 warnings in 1 file`. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const files = new Set(diagnostics.flatMap((d) => (d.at ? [d.at.file] : []))).size;
  const count = (level: Level) => diagnostics.filter((d) => (d.severity ?? 'error') === level).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('info')];
  const parts = [
    ...(errors > 0 || warnings + notes === 0 ? [plural(errors, 'problem')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
    ...(notes > 0 ? [plural(notes, 'note')] : []),
  ];
  const counted = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]!;
  return files === 0 ? counted : `${counted} in ${plural(files, 'file')}`;
}

const ANNOTATION: Record<Level, string | undefined> = { error: 'error', warning: 'warning', info: undefined };

/**
 * GitHub Actions annotations, one line each, for errors and warnings (notes stay in the log):
 * https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message
 */
export function formatAnnotations(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .flatMap((d) => {
      const command = ANNOTATION[d.severity ?? 'error'];
      if (!command) return [];
      const place = d.at ? [`file=${escapeProperty(d.at.file)}`, `line=${d.at.line}`, `col=${d.at.col}`] : [];
      const properties = [...place, ...(d.rule ? [`title=${escapeProperty(d.rule)}`] : [])];
      return [`::${command}${properties.length > 0 ? ` ${properties.join(',')}` : ''}::${escapeData(d.message)}\n`];
    })
    .join('');
}

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
