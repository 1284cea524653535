import { UserError } from '../errors.js';
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
 * as a missing path, first), then a count line.
 */
export function formatDiagnostics(diagnostics: Diagnostic[], options: FormatOptions): string {
  const sorted = sortDiagnostics(diagnostics);
  const lines = sorted.map((d) => (d.at ? `${formatLocation(d.at)}: ${d.message}` : d.message));
  if (options.githubActions) lines.push(...sorted.map(annotation));
  lines.push(countLine(sorted));
  return `${lines.join('\n')}\n`;
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    if (!a.at || !b.at) return (a.at ? 1 : 0) - (b.at ? 1 : 0);
    if (a.at.file !== b.at.file) return a.at.file < b.at.file ? -1 : 1;
    return a.at.line - b.at.line || a.at.col - b.at.col;
  });
}

function countLine(diagnostics: Diagnostic[]): string {
  const files = new Set(diagnostics.flatMap((d) => (d.at ? [d.at.file] : []))).size;
  const problems = plural(diagnostics.length, 'problem');
  return files === 0 ? problems : `${problems} in ${plural(files, 'file')}`;
}

/** https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#setting-an-error-message */
function annotation(d: Diagnostic): string {
  const properties = d.at ? ` file=${escapeProperty(d.at.file)},line=${d.at.line},col=${d.at.col}` : '';
  return `::error${properties}::${escapeData(d.message)}`;
}

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
