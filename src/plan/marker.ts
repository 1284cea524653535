/**
 * The env key hcr marks a project it creates with, until the project has its name and its env
 * (apply/create.ts says why). It is always hcr's own: a plan removes one that a create cut short
 * left behind, whatever the project's `prune` says.
 */
export const CREATE_MARKER = 'HCR_CREATE_ID';
