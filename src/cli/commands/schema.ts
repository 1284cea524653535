import { schemaText } from '../../config/schema.js';
import { defineCommand } from '../command.js';

export const schemaCommand = defineCommand({
  builder: (y) => y.example('hcr schema > hcr.schema.json', 'For an editor: point `# yaml-language-server: $schema=hcr.schema.json` at it'),
  run: async (ctx) => {
    ctx.stdout.write(schemaText());
    return 0;
  },
});
