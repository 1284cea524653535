import type { Argv } from 'yargs';
import type { ArgsOf } from './command.js';
import type { GlobalArgs } from './context.js';
import { globs } from './flags.js';
import { FORMATS, type Format } from './views/view.js';
import { DEFAULT_FILE } from '../config/files.js';
import { parseShard } from '../config/select.js';

/** `-f`, `--project` and `--shard`: which desired state a command reads, for every command that reads one. */
export function desiredOptions<T extends GlobalArgs>(y: Argv<T>) {
  return y
    .option('file', {
      alias: 'f',
      type: 'string',
      array: true,
      nargs: 1,
      default: [DEFAULT_FILE],
      describe: 'A desired-state file, or a directory of *.yaml/*.yml files (hidden ones skipped); repeat -f for more',
    })
    .option('project', {
      type: 'string',
      array: true,
      nargs: 1,
      describe: 'Only the projects whose name matches this glob (repeatable); every other check still covers all projects',
      coerce: globs('--project', 'name or glob'),
    })
    .option('shard', {
      type: 'string',
      describe: 'K/N: only the K-th of N disjoint, stable parts of the selected projects (a CI matrix of N jobs covers each once)',
      coerce: parseShard,
    });
}

/** What `desiredOptions` gives a handler. */
export type DesiredArgs = ArgsOf<typeof desiredOptions<GlobalArgs>>;

/** `--format`, for every command that shows its result in each view. */
export function formatOption<T extends GlobalArgs>(y: Argv<T>) {
  return y.option('format', {
    choices: FORMATS,
    default: 'text' as Format,
    describe: 'Output view: text; json, one document on stdout (an error too); or markdown, for a pull-request comment',
  });
}
