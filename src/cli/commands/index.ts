import type { CommandModule } from '../context.js';
import { emulatorCommand } from './emulator.js';
import { schemaCommand } from './schema.js';
import { validateCommand } from './validate.js';

/** Every top-level command, in the order `hcr --help` lists them. */
export const commands: CommandModule<any>[] = [
  validateCommand,
  schemaCommand,
  emulatorCommand,
];
