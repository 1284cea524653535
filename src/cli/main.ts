import yargs, { type Argv } from 'yargs';
import { CloudError } from '../cloud/errors.js';
import { ValidationError, formatDiagnostics } from '../config/diagnostics.js';
import { UserError } from '../errors.js';
import { HCR_VERSION } from '../version.js';
import { createContext, type CommandModule, type Context, type GlobalArgs, type LazyCommand, type RunOptions } from './context.js';
import { underGitHubActions } from './github.js';
import type { Io } from './output.js';
import { commands } from './commands/index.js';

const defaultIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });

/** Runs hcr in-process and resolves to its exit code. Never calls process.exit. */
export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? defaultIo();
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let exitCode = 0;

  const register = (y: Argv<GlobalArgs>, command: LazyCommand): Argv<GlobalArgs> =>
    y.command(
      command.command,
      command.describe,
      // yargs awaits an async builder, and runs only the builder of the command given.
      async (b: Argv<GlobalArgs>) => {
        const definition = await command.load();
        const built = definition.builder(b) as Argv<GlobalArgs>;
        if (!definition.subcommands) return built;
        return definition.subcommands
          .map(loaded)
          .reduce(register, built)
          .demandCommand(1, `choose a subcommand of ${String(command.command)}`);
      },
      async (args: any) => {
        // A group's own handler never runs: yargs runs its subcommand's.
        const { run } = await command.load();
        const ctx = createContext(io, env, cwd, args, main, options.interrupts);
        exitCode = await runHandler(ctx, async () => {
          refuseRepeatedFlags(args, listOptions(parser));
          return run!(ctx, args);
        });
      },
    );

  const parser = commands.reduce(
    register,
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
    io.stderr.write(`Error: ${parseError.message}\nRun \`hcr --help\` for usage.\n`);
    return 1;
  }
  if (output) io.stdout.write(`${output}\n`);
  return exitCode;
}

/** A subcommand, defined with its group, as a command that is already loaded. */
function loaded(module: CommandModule<any>): LazyCommand {
  return { command: module.command, describe: module.describe, load: async () => module };
}

/**
 * yargs turns a one-value flag given twice into a list, which no handler expects: a second
 * `--out` or `--port` is a mistake to point out, not a value to pick from.
 */
function listOptions(parser: Argv<GlobalArgs>): ReadonlySet<string> {
  // yargs has getOptions() at run time (the options of the command being run); its types omit it.
  return new Set((parser as unknown as { getOptions(): { array: string[] } }).getOptions().array);
}

function refuseRepeatedFlags(args: Record<string, unknown>, lists: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(args)) {
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (Array.isArray(value) && key !== '_' && !lists.has(flag)) {
      throw new UserError(`--${flag} is given more than once; give it once`);
    }
  }
}

async function runHandler(ctx: Context, handler: () => Promise<number>): Promise<number> {
  try {
    return await handler();
  } catch (err) {
    return reportError(ctx, err);
  }
}

/** The one place where errors become messages and exit codes. */
export function reportError(ctx: Context, err: unknown): number {
  if (err instanceof ValidationError) {
    ctx.stderr.write(formatDiagnostics(err.diagnostics, { githubActions: underGitHubActions(ctx) }));
    return 1;
  }
  if (err instanceof UserError) {
    ctx.stderr.write(`${ctx.style.red('Error:')} ${err.message}\n`);
    return 1;
  }
  if (err instanceof CloudError) {
    ctx.stderr.write(`${ctx.style.red('Error:')} ${err.message}\n`);
    return 1;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  ctx.stderr.write(
    `${ctx.style.red('Internal error:')} this is a bug in hcr ${HCR_VERSION}; please report it with the output below.\n${detail}\n`,
  );
  return 1;
}
