/**
 * A local Hasura Cloud: `startEmulator` serves it over HTTP; `Store` is its state, usable alone.
 * Tests steer it through `Emulator.onRequest` (which request fails, and how) and watch it through
 * `Emulator.onWrite` (every write decided on a project).
 */
export { startEmulator, type Emulator, type EmulatorWriteEvent } from './server.js';
export type { EmulatorOptions } from './options.js';
export { randomFaults, type Fault, type FaultHook, type FaultRates, type RequestInfo } from './faults.js';
export type { RequestRecord } from './http.js';
export { Store, type CreateProjectInput, type CreatedProject } from './store.js';
export {
  ADMIN_SECRET_KEY,
  StoreError,
  endpointOf,
  type EnvEntry,
  type EnvInput,
  type EnvState,
  type JobRecord,
  type ProjectRecord,
  type StoreErrorKind,
  type WriteEvent,
  type WriteOperation,
} from './records.js';
export { MISSING_PREFIX, type PreviewAppPayload } from './preview.js';
export { parseQuirks, quirkWords, QUIRKS_HELP, type Quirks } from './quirks.js';
