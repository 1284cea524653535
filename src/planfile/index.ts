/** Saved plans (`hcr plan --out`, `hcr show`, `hcr apply FILE`): what the commands use of them. */
export { readSavedPlan, writeSavedPlan } from './file.js';
export { describeSavedPlan } from './format.js';
export { checkEndpoint, verifiedValues } from './verify.js';
