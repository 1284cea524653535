import type { ArgumentsCamelCase, Argv } from 'yargs';
import { UserError } from '../errors.js';
import type { Context, GlobalArgs } from './context.js';

/**
 * What a command does: its options, each checking its own value in `coerce` (so that a bad flag
 * fails while the command line is read, before anything runs), with `--help` examples; and a
 * handler that returns an exit code. The handler gets what the builder declares, as yargs types
 * it — each flag by its name and in camelCase, as its coerce function returns it — with no
 * interface to keep in step. Handlers never call process.exit; they may throw UserError or
 * CloudError, which the run's view reports.
 */
export interface Command<A = any> {
  builder(y: Argv<GlobalArgs>): Argv<A>;
  run(ctx: Context, args: ArgumentsCamelCase<A>): Promise<number>;
}

/** How `hcr --help` (or a group's) lists a command. */
export interface Listed {
  command: string | string[];
  describe: string;
}

export type Subcommand<A = any> = Command<A> & Listed;

/** `hcr preview create|delete`: the group's --help examples, and the subcommands, one of which runs. */
export interface CommandGroup {
  builder(y: Argv<GlobalArgs>): Argv<GlobalArgs>;
  subcommands: Subcommand[];
}

/**
 * A command whose module is loaded only when it runs (or shows its --help), so that no command
 * loads what only others need: the list of commands is `hcr --help`, not their imports.
 */
export interface LazyCommand extends Listed {
  load(): Promise<Command | CommandGroup>;
}

/** What a handler gets from a builder (or a function that adds options): for the helpers it passes its arguments to. */
export type ArgsOf<B extends (...args: any[]) => Argv<any>> = ArgumentsCamelCase<ReturnType<B> extends Argv<infer A> ? A : never>;

/** A command, its handler's arguments inferred from its builder. */
export function defineCommand<A>(command: Subcommand<A>): Subcommand<A>;
export function defineCommand<A>(command: Command<A>): Command<A>;
export function defineCommand<A>(command: Command<A>): Command<A> {
  return command;
}

export function defineGroup(group: CommandGroup): CommandGroup {
  return group;
}

/**
 * The command line itself is wrong: an unknown flag, a bad value, a missing one. `command` is what
 * was being run, as far as it was read (`preview create`), for the pointer to its --help.
 */
export class UsageError extends UserError {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly command: string | undefined,
  ) {
    super(message, 'usage');
  }
}
