import type { Argv } from 'yargs';
import type { GlobalArgs } from './context.js';
import { DEFAULT_FILE } from '../config/files.js';
import { parseShard, type Shard } from '../config/select.js';

export interface DesiredArgs {
  file: string[];
  project?: string[];
  shard?: Shard;
}

/** `-f`, `--project` and `--shard`: which desired state a command reads, for every command that reads one. */
export function desiredOptions<T extends GlobalArgs>(y: Argv<T>): Argv<T & DesiredArgs> {
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
    })
    .option('shard', {
      type: 'string',
      describe: 'K/N: only the K-th of N disjoint, stable parts of the selected projects (a CI matrix of N jobs covers each once)',
      coerce: (text: string) => parseShard(text),
    });
}
