import type { Io, Out } from './output.js';

export interface ProcessIo {
  io: Io;
  /** Why stdout stopped taking output, if it did. */
  failure(): NodeJS.ErrnoException | undefined;
}

/**
 * The process's stdin, stdout and stderr for main(), safe from a stdout that fails: a reader that
 * closed its pipe (`hcr apply | head -1`: EPIPE), a full disk (ENOSPC). Node reports those as an
 * 'error' event which, unheard, kills the process with a stack trace: after apply has written,
 * before it said what. Here the first failure is noted on stderr, and what could not go to stdout
 * (and all that follows) goes to stderr instead, so that the report still reaches the user; the
 * process then exits non-zero, as it did not do all it was asked.
 */
export function processIo(): ProcessIo {
  let failure: NodeJS.ErrnoException | undefined;
  const stderr = process.stderr;
  // Nothing is left to report a failing stderr on.
  stderr.on('error', () => {});
  const toStderr = (chunk: string): boolean => stderr.write(chunk);
  const fail = (err: NodeJS.ErrnoException): void => {
    if (failure) return;
    failure = err;
    if (!process.exitCode) process.exitCode = 1;
    const why = err.code === 'EPIPE' ? 'EPIPE: its reader has gone' : (err.code ?? err.message);
    toStderr(`\nhcr: cannot write to stdout (${why}); the rest of the output follows here, on stderr.\n`);
  };
  process.stdout.on('error', fail);
  const stdout: Out = {
    isTTY: process.stdout.isTTY,
    write: (chunk: string) => {
      if (failure) return toStderr(chunk);
      return process.stdout.write(chunk, (err) => {
        if (!err) return;
        fail(err);
        toStderr(chunk);
      });
    },
  };
  return { io: { stdout, stderr, stdin: process.stdin }, failure: () => failure };
}
