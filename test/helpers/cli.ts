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
  /** Text typed on stdin (e.g. an answer to apply's prompt), or a stream that is read only when hcr reads stdin. */
  input?: string | NodeJS.ReadableStream;
  /** Pretend stdin/stdout are a terminal. */
  tty?: boolean;
}

/** Runs the real CLI in-process, capturing its output. The environment is only what is given. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const typed = typeof options.input === 'object' ? options.input : PassThrough.from([options.input ?? '']);
  const stdin = Object.assign(typed, { isTTY: options.tty ?? false });
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

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;

/** Output with the emulator's random ids, hashes and ports replaced, for snapshots. */
export function normalize(text: string): string {
  return text
    .replace(UUID, '<uuid>')
    .replace(/\b[0-9a-f]{40}\b/g, '<hash>')
    .replace(/\(([0-9a-f]{8})\)/g, '(<tenant>)')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}
