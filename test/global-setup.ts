import { compileSchemas } from '../scripts/compile-schema.js';

/** Tests run from src, which requires the validators the build compiles: compile them from the schemas as they are now. */
export async function setup(): Promise<void> {
  await compileSchemas();
}
