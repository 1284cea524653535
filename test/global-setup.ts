import { compileSchema } from '../scripts/compile-schema.js';

/** Tests run from src, which requires the validators the build compiles: compile them from the schema as it is now. */
export async function setup(): Promise<void> {
  await compileSchema();
}
