/**
 * Just enough POSIX shell to read the `hcr ...` lines of the example CI scripts the way the runner's
 * shell would: quoting, `$VAR`/`${VAR}` expansion, `\` continuations, `> file`, and `|| handler`.
 * Anything beyond that throws, so a construct this reader would get wrong fails the test instead
 * of running something other than what the workflow runs.
 */

export type Env = Record<string, string | undefined>;

export interface ShellCommand {
  /** The words after expansion and quote removal, `hcr` first. */
  argv: string[];
  /** Where `> file` sends stdout. */
  stdout?: string;
  /** Whether `|| ...` follows: the script handles a non-zero exit instead of failing under `set -e`. */
  handled: boolean;
}

/** The script's lines with `\`-newline continuations joined, as the shell reads them. */
export function logicalLines(script: string): string[] {
  return script.replace(/\\\n/g, '').split('\n');
}

/** A line that runs hcr: its first word is `hcr`. */
export function isHcrLine(line: string): boolean {
  return /^\s*hcr(\s|$)/.test(line);
}

/**
 * hcr run other than as a line's first word (`x && hcr`, `$(hcr ...)`, `then hcr`): the test could
 * not run it, so the examples must not do it.
 */
export function hidesHcr(line: string): boolean {
  if (isHcrLine(line)) return false;
  if (/(\$\(|`)\s*hcr(\s|$)/.test(line)) return true;
  // Outside command substitution, hcr inside quotes is only words (a message, a description).
  const unquoted = line.replace(/'[^']*'|"(\\.|[^"\\])*"/g, '""').replace(/#.*$/, '');
  return /(^|[;&|(]|\b(then|else|do)\b)\s*hcr(\s|$)/.test(unquoted);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const WHOLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one `hcr ...` line as the shell would, expanding variables from env. */
export function parseCommand(line: string, env: Env): ShellCommand {
  const words: string[] = [];
  let stdout: string | undefined;
  let redirectNext = false;
  let handled = false;
  let word: string | undefined;
  let i = 0;

  const fail = (why: string): never => {
    throw new Error(`${why} in: ${line.trim()}`);
  };
  const variable = (name: string): string => env[name] ?? fail(`$${name} is not set`);
  const endWord = (): void => {
    if (word === undefined) return;
    if (redirectNext) {
      stdout = word;
      redirectNext = false;
    } else {
      words.push(word);
    }
    word = undefined;
  };
  /** `$NAME` or `${NAME}` at i (just past the `$`); returns the value and moves i past it. */
  const expand = (): string => {
    if (line[i] === '{') {
      const close = line.indexOf('}', i);
      const name = line.slice(i + 1, close);
      if (close < 0 || !WHOLE_NAME.test(name)) fail('only ${NAME} expansions are supported');
      i = close + 1;
      return variable(name);
    }
    const name = NAME.exec(line.slice(i))?.[0] ?? fail('only $NAME expansions are supported');
    i += name.length;
    return variable(name);
  };

  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      endWord();
      i += 1;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) fail('unterminated quote');
      word = (word ?? '') + line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let text = '';
      i += 1;
      while (line[i] !== '"') {
        if (i >= line.length) fail('unterminated quote');
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) {
          text += line[i + 1];
          i += 2;
        } else if (line[i] === '$') {
          if (line[i + 1] === '(') fail('command substitution is not supported');
          i += 1;
          text += expand();
        } else if (line[i] === '`') {
          fail('command substitution is not supported');
        } else {
          text += line[i];
          i += 1;
        }
      }
      word = (word ?? '') + text;
      i += 1;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i += 2;
    } else if (c === '$') {
      if (line[i + 1] === '(') fail('command substitution is not supported');
      i += 1;
      const value = expand();
      // Unquoted, the shell would split and glob the value: only plain values read the same here.
      if (/[\s*?[]/.test(value)) fail('an unquoted expansion whose value the shell would split or glob');
      word = (word ?? '') + value;
    } else if (c === '>') {
      endWord();
      if (words.length === 0 || redirectNext || line[i + 1] === '>' || line[i + 1] === '&') fail('only `> file` redirection is supported');
      redirectNext = true;
      i += 1;
    } else if (line.startsWith('||', i)) {
      endWord();
      if (line.slice(i + 2).trim() === '') fail('`||` without a command');
      handled = true;
      break;
    } else if ('|&;<`()'.includes(c)) {
      fail(`\`${c}\` is not supported`);
    } else if (/\d/.test(c) && word === undefined && line[i + 1] === '>') {
      fail('only stdout may be redirected');
    } else {
      word = (word ?? '') + c;
      i += 1;
    }
  }
  endWord();
  if (redirectNext) fail('`>` without a file');
  if (words[0] !== 'hcr') fail('not an hcr command');
  return { argv: words, stdout, handled };
}
