// The lint that guards the shape of hcr: TypeScript's recommended rules, no import cycles, and
// the layers of docs/architecture.md, which run one way:
//   cli → config / state / plan / planfile / apply / render / … → cloud; the emulator stands alone.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** A zone of import-x/no-restricted-paths: files under `target` may not import from `from`. */
const forbid = (target, from, why) => ({ target: `./src/${target}`, from: from.map((f) => `./src/${f}`), message: why });

/** Every folder of the client side: what the emulator must not reach, and what reaches it. */
const CLIENT = ['cli', 'cloud', 'config', 'state', 'plan', 'planfile', 'apply', 'render', 'hasura', 'secrets', 'ci'];

export default tseslint.config(
  { ignores: ['dist/', 'generated/', 'coverage/', 'node_modules/'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            forbid('emulator', CLIENT, 'the emulator stands alone: it shares no code with the client it emulates'),
            forbid('util', [...CLIENT, 'emulator'], 'util/ is shared by the client and the emulator, so it imports neither'),
            ...CLIENT.filter((f) => f !== 'cli').map((folder) =>
              forbid(folder, ['emulator'], 'only the emulator command and the demo (cli/) start an emulator'),
            ),
            forbid(
              'cloud',
              CLIENT.filter((f) => f !== 'cloud'),
              'cloud/ is the bottom layer: it knows nothing of what uses it',
            ),
            ...CLIENT.filter((f) => f !== 'cli').map((folder) => forbid(folder, ['cli'], 'only cli/ knows the command line')),
            forbid('plan', ['cloud', 'apply', 'render', 'planfile', 'secrets', 'ci'], 'plan/ is pure: no I/O, no views'),
            {
              target: './src/plan',
              from: './src/config',
              except: ['./types.ts', './glob.ts'],
              message: 'plan/ is pure: of config/ it knows the types of desired state and globs, not how files are read',
            },
            forbid(
              'planfile',
              ['cloud', 'state', 'apply', 'render', 'hasura', 'ci'],
              'planfile/ reads and writes saved plans: it knows plans, desired state and value sources, not the service or the views',
            ),
            forbid('config', ['cloud', 'state', 'plan', 'planfile', 'apply', 'render'], 'config/ reads desired state and nothing else'),
            forbid('render', ['cloud', 'state', 'config', 'planfile'], 'render/ turns plans and reports into text, nothing else'),
            forbid('state', ['apply', 'render', 'plan', 'planfile'], 'state/ reads live state; it knows nothing of plans'),
            forbid(
              'hasura',
              CLIENT.filter((f) => f !== 'hasura'),
              'hasura/ is knowledge of the engine: pure, it needs nothing of the rest of hcr',
            ),
            forbid(
              'secrets',
              CLIENT.filter((f) => f !== 'secrets'),
              'secrets/ reads value sources from files: it knows nothing of desired state, plans or the service',
            ),
            forbid(
              'ci',
              CLIENT.filter((f) => f !== 'ci'),
              'ci/ talks to GitHub and GitLab: it is handed text to post, and knows nothing of how it was made',
            ),
          ],
        },
      ],
    },
  },
  {
    // planChanges() is a pure function of desired and live state: it may know the shape of live state, not how it is read.
    files: ['src/plan/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https'].flatMap((name) =>
            [name, `node:${name}`].map((module) => ({ name: module, message: 'plan/ is pure: no I/O (saved plans are in planfile/)' })),
          ),
          patterns: [{ group: ['**/state/*'], allowTypeImports: true, message: 'plan/ imports only types from state/' }],
        },
      ],
    },
  },
);
