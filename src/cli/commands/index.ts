import type { CommandModule } from '../context.js';

/** Every top-level command, in the order `hcr --help` lists them. */
export const commands: CommandModule<any>[] = [];
