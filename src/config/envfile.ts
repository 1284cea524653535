import { unnamedProblem, valueProblem } from './names.js';
import type { Diagnostic, SourceLocation } from './types.js';

/**
 * Reads a dotenv-style file: one `KEY=VALUE` per line; blank lines and `#` comments skipped; an
 * optional `export ` before the key (so the file can also be sourced by a shell). A value is
 * taken literally: `'single quoted'` exactly as written, `"double quoted"` with the escapes \n \r
 * \t \" \\, or unquoted with surrounding spaces dropped and a comment after ` #` removed. There is
 * no `$VAR` expansion and no value spans lines (write \n inside double quotes).
 *
 * Not dotenv's or util.parseEnv's parser: both skip a line they cannot read without a word, and a
 * preview app silently missing a variable is worse than an error at its line.
 *
 * Problems never quote the line: a line that is not KEY=VALUE may well be a pasted secret.
 */
export function parseEnvFile(text: string, file: string): { env: Map<string, string>; diagnostics: Diagnostic[] } {
  const env = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const diagnostics: Diagnostic[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      const at = (col: number): SourceLocation => ({ file, line, col });
      let rest = raw.trimStart();
      let col = raw.length - rest.length + 1;
      if (rest === '' || rest.startsWith('#')) return;
      const exported = /^export\s+/.exec(rest);
      if (exported) {
        rest = rest.slice(exported[0].length);
        col += exported[0].length;
      }
      const eq = rest.indexOf('=');
      if (eq < 0) {
        diagnostics.push({ at: at(col), message: 'expected KEY=VALUE (the line is not shown: it may be a value)' });
        return;
      }
      const key = rest.slice(0, eq).trimEnd();
      const keyProblem = unnamedProblem('envKey', key);
      if (keyProblem) {
        diagnostics.push({ at: at(col), message: `the key is ${keyProblem}` });
        return;
      }
      const value = readValue(rest.slice(eq + 1), col + eq + 1);
      if ('problem' in value) {
        diagnostics.push({ at: at(value.col), message: `${key}: ${value.problem}` });
        return;
      }
      const problem = valueProblem(value.value);
      if (problem) {
        diagnostics.push({ at: at(col + eq + 1), message: `${key}: ${problem}` });
        return;
      }
      const first = firstLine.get(key);
      if (first !== undefined) {
        diagnostics.push({ at: at(col), message: `${key} is set again (first at line ${first}); give each key once` });
        return;
      }
      firstLine.set(key, line);
      env.set(key, value.value);
    });
  return { env, diagnostics };
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** The value after `=`, which starts at column `col`. */
function readValue(text: string, col: number): { value: string } | { problem: string; col: number } {
  const body = text.trimStart();
  const quoteCol = col + text.length - body.length;
  const quote = body[0];
  // As in a shell, `#` starts a comment only after a space: `COLOR=#fff` and `A=b#c` keep it.
  if (quote !== '"' && quote !== "'") return { value: text.replace(/\s#.*$/, '').trim() };

  let value = '';
  let end = -1;
  for (let i = 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote) {
      end = i;
      break;
    }
    if (c === '\\' && quote === '"') {
      const escaped = ESCAPES[body[i + 1] ?? ''];
      if (escaped === undefined)
        return { problem: 'unknown escape in a double-quoted value: use \\n \\r \\t \\" or \\\\ (for a backslash)', col: quoteCol + i };
      value += escaped;
      i++;
      continue;
    }
    value += c;
  }
  if (end < 0)
    return {
      problem: `the ${quote === '"' ? 'double' : 'single'} quote that starts the value is never closed on this line; a value spans one line (write \\n for a newline)`,
      col: quoteCol,
    };
  const after = body.slice(end + 1);
  if (after.trim() !== '' && !/^\s+#/.test(after)) return { problem: 'unexpected text after the closing quote', col: quoteCol + end + 1 };
  return { value };
}
