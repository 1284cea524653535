import type { CommandModule } from '../context.js';
import { applyCommand } from './apply.js';
import { demoCommand } from './demo.js';
import { driftCommand } from './drift.js';
import { emulatorCommand } from './emulator.js';
import { importCommand } from './import.js';
import { planCommand } from './plan.js';
import { previewCommand } from './preview.js';
import { schemaCommand } from './schema.js';
import { showCommand } from './show.js';
import { validateCommand } from './validate.js';

/** Every top-level command, in the order `hcr --help` lists them. */
export const commands: CommandModule<any>[] = [
  validateCommand,
  planCommand,
  applyCommand,
  showCommand,
  driftCommand,
  importCommand,
  previewCommand,
  schemaCommand,
  emulatorCommand,
  demoCommand,
];
