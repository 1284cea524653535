import type { ErrorKind } from '../errors.js';
import type { ProjectFinding } from '../hasura/check.js';
import type { Level } from '../hasura/rules.js';
import { plural } from '../util/words.js';
import { LEVEL_ORDER, placeOf } from './checks.js';
import { code, escapeText } from './markdown.js';

/**
 * Something a run says besides its plan or report — a warning, a note, an error that did not stop
 * it, or a problem of the input that did — at its place in the desired-state files when it has
 * one. config's Diagnostic is one; the views take this shape so that render/ needs nothing of config/.
 */
export interface Note {
  at?: ProjectFinding['at'];
  message: string;
  /** error when unset. */
  severity?: Level;
  rule?: string;
}

const severity = (note: Note): Level => note.severity ?? 'error';

/** The `diagnostics` of the JSON views: field by field, so that nothing but these reaches the output. */
export function notesJson(notes: readonly Note[]): Record<string, unknown>[] {
  return notes.map((n) => ({
    severity: severity(n),
    rule: n.rule ?? null,
    message: n.message,
    location: n.at ? { file: n.at.file, line: n.at.line, col: n.at.col } : null,
  }));
}

const NOUN: Record<Level, string> = { error: 'error', warning: 'warning', info: 'note' };
const MARK: Record<Level, string> = { error: '❌ **error**', warning: '⚠️ **warning**', info: 'ℹ️ **note**' };

/** `1 error, 2 warnings and 1 note`. */
export function countNotes(notes: readonly Note[]): string {
  const levels: Level[] = ['error', 'warning', 'info'];
  const parts = levels.flatMap((level) => {
    const n = notes.filter((note) => severity(note) === level).length;
    return n > 0 ? [plural(n, NOUN[level])] : [];
  });
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? 'nothing');
}

/** One list item per note, errors first: `- ⚠️ **warning** message (`file:line:col`)`. */
export function noteItems(notes: readonly Note[]): string[] {
  return [...notes]
    .sort((a, b) => LEVEL_ORDER[severity(a)] - LEVEL_ORDER[severity(b)])
    .map((n) => {
      const place = placeOf(n);
      return `- ${MARK[severity(n)]}${n.rule ? ` ${code(n.rule)}` : ''} ${escapeText(n.message)}${place ? ` (${code(place)})` : ''}`;
    });
}

/** Why a command failed, as JSON and Markdown views show it. */
export interface Failure {
  kind: ErrorKind;
  message: string;
  /** The problems behind it, each at its place when it has one: the input's, or the Hasura checks'. */
  diagnostics: readonly Note[];
}

/** `error` of a JSON view's document. */
export function failureJson(failure: Failure): Record<string, unknown> {
  return { kind: failure.kind, message: failure.message, diagnostics: notesJson(failure.diagnostics) };
}

/**
 * A failed run as a comment (`## hcr plan`, then why), so that a comment made of this output says
 * that there is no plan, and why, rather than show an old one; the run's other notes after.
 * Without `heading`, it follows what the run has already shown.
 */
export function renderFailureMarkdown(title: string, failure: Failure, options: { heading: boolean; notes: readonly Note[] }): string {
  const message = failure.message.split('\n').map((line) => `> ${escapeText(line.trim())}`);
  const parts = [
    ...(options.heading ? [`## ${escapeText(title)}`] : []),
    ['> [!CAUTION]', `> **${escapeText(title)} failed** (${failure.kind}):`, ...message].join('\n'),
    ...(failure.diagnostics.length > 0 ? [noteItems(failure.diagnostics).join('\n')] : []),
    ...(options.notes.length > 0 ? [notesMarkdown(options.notes)] : []),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** `**1 warning:**` and the list: what a Markdown view adds for the notes of a run. */
export function notesMarkdown(notes: readonly Note[]): string {
  return [`**${countNotes(notes)}:**`, ...noteItems(notes)].join('\n');
}
