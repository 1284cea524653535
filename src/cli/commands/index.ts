import type { CommandModule } from '../context.js';
import { emulatorCommand } from './emulator.js';

/** Every top-level command, in the order `hcr --help` lists them. */
export const commands: CommandModule<any>[] = [
  emulatorCommand,
];
