import yargs, { type Arguments, type Argv } from 'yargs';
import { UserError } from '../errors.js';
import { HCR_VERSION } from '../version.js';
import { UsageError, type Command, type LazyCommand, type Subcommand } from './command.js';
import { createContext, type Context, type GlobalArgs, type RunOptions } from './context.js';
import type { Io } from './output.js';
import { commands } from './commands/index.js';

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });

/** Runs hcr in-process and resolves to its exit code. Never calls process.exit. */
export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? defaultIo();
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let exitCode = 0;
  /** The command and its --format, as far as the command line was read: how to report a mistake in it. */
  const asked: { command?: string; format?: unknown } = {};

  /** Registers a command of the group `group` (`preview`; none at the top). */
  const register =
    (group: string[]) =>
    (y: Argv<GlobalArgs>, command: LazyCommand): Argv<GlobalArgs> =>
      y.command(
        command.command,
        command.describe,
        // yargs awaits an async builder, and runs only the builder of the command given.
        async (b: Argv<GlobalArgs>) => {
          const path = [...group, String(command.command).split(' ')[0]!];
          asked.command = path.join(' ');
          const definition = await command.load();
          const built = definition.builder(b) as Argv<GlobalArgs>;
          if (!('subcommands' in definition)) return built;
          return definition.subcommands
            .map(loaded)
            .reduce(register(path), built)
            .demandCommand(1, `choose a subcommand of ${asked.command}`);
        },
        async (args: Arguments<GlobalArgs>) => {
          // A group's own handler never runs: yargs runs its subcommand's.
          const { run } = (await command.load()) as Command;
          const ctx = await createContext(io, env, cwd, { ...args, command: asked.command }, main, options.interrupts);
          exitCode = await runHandler(ctx, () => run(ctx, args));
        },
      );

  const parser: Argv<GlobalArgs> = commands.reduce(
    register([]),
    yargs()
      .scriptName('hcr')
      .usage('hcr <command> [options]\n\nKeep Hasura Cloud projects and their environment variables in git.')
      .option('endpoint', {
        type: 'string',
        describe: 'Hasura Cloud GraphQL endpoint [env: HASURA_CLOUD_ENDPOINT]',
        global: true,
      })
      .option('token-file', {
        type: 'string',
        describe: 'Read the access token from this file (mode 0600) instead of HASURA_CLOUD_ACCESS_TOKEN',
        global: true,
      })
      .option('color', { type: 'boolean', describe: 'Colour output on a TTY (--no-color, or NO_COLOR, turns it off)', global: true })
      .option('verbose', { type: 'boolean', describe: 'Log each request (operation and timing) to stderr', global: true })
      // Before the options' own checks (coerce) and yargs' validation: so that a mistake found
      // there is reported in the view asked for, and a flag given twice is named as such.
      .middleware((args) => {
        asked.format = chosenFormat(args, parser);
        refuseRepeatedFlags(args, parser);
      }, true)
      .strict()
      .strictCommands()
      .demandCommand(1, 'choose a command')
      .recommendCommands()
      .exitProcess(false)
      .showHelpOnFail(false)
      .version(HCR_VERSION)
      .help()
      .alias('help', 'h')
      .wrap(Math.min(100, process.stdout.columns ?? 100)),
  );

  let parseError: Error | undefined;
  let output = '';
  try {
    await parser.parseAsync(argv, {}, (err: Error | undefined, _args: unknown, out: string) => {
      parseError = err ?? undefined;
      output = out;
    });
  } catch (err) {
    parseError = err instanceof Error ? err : new Error(String(err));
  }
  if (parseError) {
    const ctx = await createContext(io, env, cwd, asked, main, options.interrupts);
    return ctx.view.fail(new UsageError(parseError.message, asked.command));
  }
  if (output) io.stdout.write(`${output}\n`);
  return exitCode;
}

/** A subcommand, defined with its group, as a command that is already loaded. */
function loaded(module: Subcommand): LazyCommand {
  return { command: module.command, describe: module.describe, load: async () => module };
}

/**
 * yargs has getOptions() at run time (the options of the command being read); its types omit it.
 * `array` names the flags that take a list; `choices` the values a flag takes.
 */
function optionsOf(parser: Argv<GlobalArgs>): { array: string[]; choices: Record<string, unknown[]> } {
  return (parser as unknown as { getOptions(): { array: string[]; choices: Record<string, unknown[]> } }).getOptions();
}

/** --format, when it is one the command offers. */
function chosenFormat(args: Arguments, parser: Argv<GlobalArgs>): unknown {
  return optionsOf(parser).choices.format?.includes(args.format) ? args.format : undefined;
}

/**
 * yargs turns a one-value flag given twice into a list, which no handler expects: a second
 * `--out` or `--port` is a mistake to point out, not a value to pick from.
 */
function refuseRepeatedFlags(args: Arguments, parser: Argv<GlobalArgs>): void {
  const lists = new Set(optionsOf(parser).array);
  for (const [key, value] of Object.entries(args)) {
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (Array.isArray(value) && key !== '_' && !lists.has(flag)) {
      throw new UserError(`--${flag} is given more than once; give it once`, 'usage');
    }
  }
}

/** Runs a command's handler: the view writes what it held back, or reports the error; the exit code. */
async function runHandler(ctx: Context, handler: () => Promise<number>): Promise<number> {
  let code: number;
  try {
    code = await handler();
  } catch (err) {
    return ctx.view.fail(err);
  }
  ctx.view.close();
  return code;
}
