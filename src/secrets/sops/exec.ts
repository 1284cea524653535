import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Running the programs sops itself would run (SOPS_AGE_KEY_CMD, and `sops` for keys hcr cannot
 * open): without a shell, with the command's own environment, stdin closed, and neither of their
 * outputs ever printed: both can hold key material or plaintext.
 */

export type Env = Record<string, string | undefined>;

/** The executable `name` resolves to through `env.PATH` (a name with a slash is taken as a path from `cwd`), or undefined. */
export async function findExecutable(name: string, env: Env, cwd: string): Promise<string | undefined> {
  const windows = process.platform === 'win32';
  const candidates =
    name.includes('/') || (windows && name.includes('\\'))
      ? [isAbsolute(name) ? name : resolve(cwd, name)]
      : (env.PATH ?? '')
          .split(delimiter)
          .filter((dir) => dir !== '')
          .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    for (const path of windows && !/\.exe$/i.test(candidate) ? [`${candidate}.exe`, candidate] : [candidate]) {
      const s = await stat(path).catch(() => undefined);
      if (
        s?.isFile() &&
        (await access(path, constants.X_OK).then(
          () => true,
          () => false,
        ))
      )
        return path;
    }
  }
  return undefined;
}

export interface Ran {
  /** The exit code, or the signal that ended it. */
  exit: number | string;
  stdout: Buffer;
}

/** How long a key command or `sops decrypt` may take: one that waits for input it will never get is ended. */
const TIMEOUT_MS = 120_000;

/** Runs `file args…` and collects its stdout up to `maxBytes` (then it is ended); its stderr is read and dropped. */
export function run(file: string, args: string[], options: { env: Env; cwd: string; maxBytes: number }): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) {
        overflow = true;
        child.kill('SIGKILL');
      } else chunks.push(chunk);
    });
    child.stderr.resume();
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (overflow) done({ exit: `output over ${options.maxBytes / 1024} KiB`, stdout: Buffer.alloc(0) });
      else done({ exit: code ?? signal ?? 'unknown', stdout: Buffer.concat(chunks) });
    });
  });
}

/**
 * A command line split into words as sops splits SOPS_AGE_KEY_CMD (google/shlex): whitespace
 * separates, single quotes keep everything, double quotes and a backslash escape. Undefined when a
 * quote is left open.
 */
export function splitCommand(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (ch === '\\' && i + 1 < line.length && (quote === undefined || '"\\$`'.includes(line[i + 1]!))) {
      word = (word ?? '') + line[++i];
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
