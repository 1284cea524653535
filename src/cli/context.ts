import type { Desired } from '../config/types.js';
import { Redactor } from '../util/redact.js';
import { noInterrupts, type Interrupts } from './interrupts.js';
import type { Io, Out } from './output.js';
import { style, wantsColor, type Style } from '../render/style.js';
import { openView, type View } from './views/view.js';

export interface GlobalArgs {
  endpoint?: string;
  tokenFile?: string;
  color?: boolean;
  verbose?: boolean;
}

/** Where a run of hcr reads and writes: what `main` takes, and what `Context.runHcr` passes on. */
export interface RunOptions {
  io?: Io;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The signals that may stop the run (the process's, from bin.ts); none by default. */
  interrupts?: Interrupts;
}

export type RunHcr = (argv: string[], options: RunOptions) => Promise<number>;

/** What a command handler gets instead of globals: its I/O, environment, working directory and view. */
export interface Context {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly stdin: Io['stdin'];
  /** Human output (plans, reports) or the one JSON document of --format json. */
  readonly stdout: Out;
  /** Logs, progress and errors. */
  readonly stderr: Out;
  /** Colour for stdout, decided from --no-color, NO_COLOR and whether stdout is a TTY. */
  readonly color: boolean;
  readonly style: Style;
  readonly verbose: boolean;
  /**
   * Every sensitive value this run learns (the token, resolved secrets, live values the plan hides):
   * masked in text from outside (the service's errors) before it goes into a message. What hcr
   * prints itself is built without secrets and never filtered.
   */
  readonly redactor: Redactor;
  /** Held by a command that must not be cut off by Ctrl-C halfway (apply). */
  readonly interrupts: Interrupts;
  log(message: string): void;
  debug(message: string): void;
  /** A progress line on stderr (`label: 3/10`, `label: what is going on`), drawn only when stderr is a terminal. */
  progress(label: string): Progress;
  /** Runs another hcr command line in-process (the demo's steps), as `main` would. */
  runHcr: RunHcr;
  /** Where the run's output goes, in the format chosen for the run (--format). */
  readonly view: View;
}

export interface Progress {
  update(done: number, total: number): void;
  status(text: string): void;
  /** Clears the line. */
  done(): void;
}

/** What the context is made from: the global flags, the command run (`preview create`) and its --format. */
export interface ContextArgs extends GlobalArgs {
  command?: string;
  format?: unknown;
}

export async function createContext(
  io: Io,
  env: Record<string, string | undefined>,
  cwd: string,
  args: ContextArgs,
  runHcr: RunHcr,
  interrupts: Interrupts = noInterrupts,
): Promise<Context> {
  const redactor = new Redactor();
  const { stdout, stderr } = io;
  const color = wantsColor(io.stdout.isTTY, env, args.color);
  const verbose = Boolean(args.verbose);
  const ctx: Omit<Context, 'view'> = {
    env,
    cwd,
    stdin: io.stdin,
    stdout,
    stderr,
    color,
    style: style(color),
    verbose,
    redactor,
    runHcr,
    interrupts,
    log: (message) => stderr.write(`${message}\n`),
    debug: (message) => {
      if (verbose) stderr.write(`[hcr] ${message}\n`);
    },
    progress: (label) => {
      if (!io.stderr.isTTY || verbose) return { update: () => {}, status: () => {}, done: () => {} };
      let drawn = false;
      const status = (text: string): void => {
        drawn = true;
        stderr.write(`\r\u001b[2K${label}: ${text}`);
      };
      return {
        update: (done, total) => status(`${done}/${total}`),
        status,
        done: () => {
          if (drawn) stderr.write('\r\u001b[2K');
        },
      };
    },
  };
  return { ...ctx, view: await openView(ctx, args.format, args.command ?? '') };
}

/** Every sensitive value of the desired state, registered to be masked in text from outside (the service's errors). */
export function maskSensitive(ctx: Context, desired: Desired): void {
  for (const project of desired.projects) {
    for (const value of Object.values(project.env)) if (value.sensitive) ctx.redactor.add(value.value);
  }
}
