import { schemaText } from '../../config/schema.js';
import { defineCommand } from '../context.js';

export const schemaCommand = defineCommand({
  command: 'schema',
  describe: 'Print the JSON Schema of the desired-state file (for editors and other tools)',
  builder: (y) => y,
  run: async (ctx) => {
    ctx.stdout.write(schemaText());
    return 0;
  },
});
