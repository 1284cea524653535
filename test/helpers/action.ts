import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The repository's action.yml, parsed. Ours and small: checked by the tests, not typed. */
export function readAction(): any {
  return parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8'), { uniqueKeys: true });
}

export type Env = Record<string, string | undefined>;

export interface ActionResult {
  code: number;
  stdout: string;
  stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** The job summary hcr appended to. */
  summary: string;
  /** Each hcr command line the step ran, arguments joined by spaces. */
  hcr: string[];
  /** Each npm command line. */
  npm: string[];
}

/**
 * Runs action.yml's steps as the runner would for `uses: …` with `with: inputs`: each `run:` step
 * in bash (`bash --noprofile --norc -eo pipefail`, GitHub's `shell: bash`), its `env:` evaluated
 * from the inputs (their defaults filled in) and `github.token`, beside the runner's variables and
 * the calling step's `env` (the secrets). `uses:` steps (setup-node) are the runner's business and
 * skipped. npm is a stand-in on PATH whose install of hasura-cloud-reconciler makes an `hcr` that
 * runs this repository's source, so nothing is fetched and the code under test is what runs.
 */
export class ActionRunner {
  readonly root = mkdtempSync(join(tmpdir(), 'hcr-action-'));
  readonly #bin = join(this.root, 'bin');
  readonly #log = join(this.root, 'calls.log');
  #runs = 0;

  constructor(
    /** GitHub Actions' variables for the run: GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_EVENT_PATH… */
    private readonly runner: Env,
    /** What `${{ github.token }}` is. */
    private readonly token: string,
  ) {
    mkdirSync(this.#bin);
    const hcr = `#!/bin/sh\nprintf 'hcr %s\\n' "$*" >> '${this.#log}'\nexec '${process.execPath}' --import '${TSX}' '${join(REPO_ROOT, 'src/cli/bin.ts')}' "$@"\n`;
    // npm install --prefix DIR … hasura-cloud-reconciler@V: puts the hcr above in DIR/node_modules/.bin.
    const npm = [
      '#!/bin/sh',
      `printf 'npm %s\\n' "$*" >> '${this.#log}'`,
      'prefix=""; prev=""',
      'for arg in "$@"; do if [ "$prev" = --prefix ]; then prefix="$arg"; fi; prev="$arg"; done',
      '[ -n "$prefix" ] || { echo "npm stand-in: no --prefix" >&2; exit 1; }',
      'mkdir -p "$prefix/node_modules/.bin"',
      `cat > "$prefix/node_modules/.bin/hcr" <<'HCR'\n${hcr}HCR`,
      'chmod +x "$prefix/node_modules/.bin/hcr"',
    ].join('\n');
    writeFileSync(join(this.#bin, 'npm'), `${npm}\n`);
    chmodSync(join(this.#bin, 'npm'), 0o755);
  }

  /**
   * Runs the action in `cwd` (the job's checkout), with these inputs and the calling step's env;
   * `runner` adds to the variables of the run (the job's own event).
   */
  async run(inputs: Record<string, string>, stepEnv: Env, cwd: string, runner: Env = {}): Promise<ActionResult> {
    const action = readAction();
    const unknown = Object.keys(inputs).filter((name) => !(name in action.inputs));
    if (unknown.length > 0) throw new Error(`action.yml has no input ${unknown.join(', ')}`);
    const value = (name: string): string => {
      const input = action.inputs[name] ?? fail(`action.yml has no input ${name}`);
      if (inputs[name] !== undefined) return inputs[name]!;
      if (input.required) fail(`input ${name} is required`);
      return evaluate(String(input.default ?? ''), () => fail('an input default reads something other than github.token'));
    };
    const evaluate = (text: string, other: (expression: string) => string): string =>
      text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
        if (expression === 'github.token') return this.token;
        const input = /^inputs\.([\w-]+)$/.exec(expression)?.[1];
        return input ? value(input) : other(expression);
      });

    const n = ++this.#runs;
    const temp = join(this.root, `temp-${n}`);
    mkdirSync(temp);
    const files = { GITHUB_OUTPUT: join(this.root, `output-${n}`), GITHUB_STEP_SUMMARY: join(this.root, `summary-${n}`) };
    for (const file of Object.values(files)) writeFileSync(file, '');
    writeFileSync(this.#log, '');

    let last = { code: 0, stdout: '', stderr: '' };
    for (const step of action.runs.steps as any[]) {
      if (step.run === undefined) continue;
      const env = Object.fromEntries(
        Object.entries<string>(step.env ?? {}).map(([key, text]) => [
          key,
          evaluate(String(text), (e) => fail(`step env ${key} reads ${e}`)),
        ]),
      );
      last = await bash(step.run, cwd, {
        PATH: `${this.#bin}:/usr/bin:/bin`,
        HOME: this.root,
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: REPO_ROOT,
        RUNNER_TEMP: temp,
        ...files,
        ...this.runner,
        ...runner,
        ...stepEnv,
        ...env,
      });
      if (last.code !== 0) break;
    }
    const calls = readFileSync(this.#log, 'utf8').split('\n').filter(Boolean);
    return {
      ...last,
      outputs: readOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      hcr: calls.filter((c) => c.startsWith('hcr ')),
      npm: calls.filter((c) => c.startsWith('npm ')),
    };
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function bash(script: string, cwd: string, env: Env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** $GITHUB_OUTPUT as GitHub reads it: `name=value` lines and `name<<DELIMITER` blocks. */
export function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([\w-]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      outputs[block[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function fail(message: string): never {
  throw new Error(message);
}
