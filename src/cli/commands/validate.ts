import { loadDesired } from '../../config/load.js';
import { desiredOptions, type DesiredArgs } from '../options.js';
import { plural } from '../../util/words.js';
import { defineCommand } from '../context.js';

export const validateCommand = defineCommand<DesiredArgs>({
  builder: (y) => desiredOptions(y),
  run: async (ctx, args) => {
    const desired = await loadDesired(args.file, { cwd: ctx.cwd, env: ctx.env, projects: args.project, shard: args.shard });
    ctx.stdout.write(`Valid: ${plural(desired.projects.length, 'project')} in ${plural(desired.files.length, 'file')}.\n`);
    return 0;
  },
});
