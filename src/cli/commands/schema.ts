import { schemaText } from '../../config/schema.js';
import { defineCommand } from '../context.js';

export const schemaCommand = defineCommand({
  builder: (y) => y,
  run: async (ctx) => {
    ctx.stdout.write(schemaText());
    return 0;
  },
});
