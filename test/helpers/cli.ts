import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Text typed on stdin (e.g. an answer to apply's prompt). */
  input?: string;
  /** Pretend stdin/stdout are a terminal. */
  tty?: boolean;
}

/** Runs the real CLI in-process, capturing its output. The environment is only what is given. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  stdin.end(options.input ?? '');
  const code = await main(args, {
    io: {
      stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
      stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
      stdin,
    },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
