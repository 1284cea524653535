/** A local Hasura Cloud: `startEmulator` serves it over HTTP; `Store` is its state, usable alone. */
export { startEmulator, type Emulator, type EmulatorOptions, type Fault, type Faults, type RequestRecord } from './server.js';
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
