/** Markdown for GitHub and GitLab comments: text and code that render as written, whatever they hold. */

/** Text inside HTML (a `<summary>`). */
export const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Text that renders literally: every character Markdown or HTML could read as markup is backslash-escaped. */
export const escapeText = (s: string) => s.replace(/[\\`*_[\]<>|&~#!]/g, '\\$&');

/** Inside a table a pipe ends the cell, even in a code span, unless escaped. */
export const cell = (s: string) => s.replaceAll('|', '\\|');

const longestBacktickRun = (s: string) => Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));

/** A code span (which also keeps GitHub from turning `@x` or `#1` into links) fenced longer than any backtick run inside. */
export function code(s: string): string {
  const fence = '`'.repeat(longestBacktickRun(s) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A fenced code block, its fence longer than any backtick run inside. */
export function fenced(info: string, lines: string[]): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(lines.join('\n')) + 1));
  return [`${fence}${info}`, ...lines, fence].join('\n');
}
