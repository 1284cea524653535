import type { LazyCommand } from '../command.js';

/** Every top-level command, in the order `hcr --help` lists them; each module is loaded when its command runs. */
export const commands: LazyCommand[] = [
  {
    command: 'validate',
    describe: 'Check the desired state without contacting Hasura Cloud; every problem at file:line:col',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    command: 'plan',
    describe: 'Show what apply would change, without changing anything',
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    command: 'apply [planfile]',
    describe: 'Plan, then write the changes to Hasura Cloud after approval; or apply a plan saved by `hcr plan --out`',
    load: async () => (await import('./apply.js')).applyCommand,
  },
  {
    command: 'show <planfile>',
    describe: 'Show a plan saved by `hcr plan --out FILE`, in any view; reads nothing from Hasura Cloud and needs no token',
    load: async () => (await import('./show.js')).showCommand,
  },
  {
    command: 'drift',
    describe: 'Check, read-only, whether live projects still match the desired state (exit 2 when not)',
    load: async () => (await import('./drift.js')).driftCommand,
  },
  {
    command: 'import',
    describe: 'Write desired state (YAML) equal to live projects; values that look secret become fromEnv variables',
    load: async () => (await import('./import.js')).importCommand,
  },
  {
    command: 'preview',
    describe: 'Create and delete preview apps: Hasura Cloud projects built from a GitHub branch',
    load: async () => (await import('./preview.js')).previewCommand,
  },
  {
    command: 'github',
    describe: 'Talk to GitHub from CI: one sticky pull-request comment (the plan) that every run edits',
    load: async () => (await import('./github.js')).githubCommand,
  },
  {
    command: 'gitlab',
    describe: 'Talk to GitLab from CI: one sticky merge-request note (the plan) that every run edits',
    load: async () => (await import('./gitlab.js')).gitlabCommand,
  },
  {
    command: 'schema',
    describe: 'Print the JSON Schema of the desired-state file (for editors and other tools)',
    load: async () => (await import('./schema.js')).schemaCommand,
  },
  {
    command: 'emulator',
    describe: 'Run a local Hasura Cloud (GraphQL API) for tests, demos and CI',
    load: async () => (await import('./emulator.js')).emulatorCommand,
  },
  {
    command: 'demo',
    describe: 'Run the whole loop (validate, plan, apply, drift) against an embedded local Hasura Cloud; no account needed',
    load: async () => (await import('./demo.js')).demoCommand,
  },
];
