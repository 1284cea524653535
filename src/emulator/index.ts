/** A local Hasura Cloud: `startEmulator` serves it over HTTP; `Store` is its state, usable alone. */
export { startEmulator, type Emulator, type EmulatorOptions, type Fault, type Faults, type RequestRecord } from './server.js';
export {
  ADMIN_SECRET_KEY,
  Store,
  StoreError,
  endpointOf,
  type CreateProjectInput,
  type CreatedProject,
  type EnvEntry,
  type EnvInput,
  type EnvState,
  type JobRecord,
  type ProjectRecord,
  type StoreErrorKind,
} from './store.js';
export { MISSING_PREFIX, type PreviewAppPayload } from './preview.js';
export { parseQuirks, quirkWords, QUIRKS_HELP, type Quirks } from './quirks.js';
