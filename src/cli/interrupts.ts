import { constants } from 'node:os';
import type { Out } from './output.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * Signals asking a run to stop (Ctrl-C, a CI job cancelled). Nothing holds them by default, and
 * the process then ends at once, as any program does. A command in the middle of something that
 * must not be cut off (apply, between its writes) holds them: the first signal calls `onStop`, and
 * the command ends itself once it has said what it did.
 */
export interface Interrupts {
  /** Until the returned function is called, a first SIGINT or SIGTERM calls `onStop` instead of ending the process. */
  hold(onStop: (signal: StopSignal) => void): () => void;
}

/** For runs that get no signals (in-process runs, tests). */
export const noInterrupts: Interrupts = { hold: () => () => {} };

/** The exit code of a run stopped by `signal`, as a shell reports a process killed by it: 128 + its number (130, 143). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * The process's own signals. While held, the first SIGINT or SIGTERM calls `onStop`; a second one
 * (an impatient Ctrl-C) ends the process by the signal's default action, after a line on `stderr`
 * saying that the writes in flight are then unaccounted for.
 */
export function processInterrupts(stderr: Out): Interrupts {
  return {
    hold(onStop) {
      let stopping = false;
      const listener = (signal: StopSignal): void => {
        if (!stopping) {
          stopping = true;
          onStop(signal);
          return;
        }
        stderr.write(`\nhcr: ${signal} again: stopping now. Writes in flight may or may not have landed: run hcr plan to see.\n`);
        release();
        process.kill(process.pid, signal);
      };
      const release = (): void => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return release;
    },
  };
}
