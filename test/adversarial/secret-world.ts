import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { runCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulatorOptions } from '../helpers/emulator.js';

const FIXTURES = new URL('fixtures/', import.meta.url).pathname;

/** The forms a secret can take in what hcr prints or writes: as is, JSON-escaped (also twice, also as \u), percent-encoded. */
export function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const ascii = json.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [...new Set([secret, json, ascii, JSON.stringify(json).slice(1, -1), encodeURIComponent(secret)])];
}

/**
 * An emulator, a working directory holding a copy of `fixtures/<fixture>/`, and `hcr` run in it as
 * under GitHub Actions (so every run also writes the job summary). Every run is checked: no secret
 * registered with `secret()`, in any of its forms, is in its stdout, its stderr or any file it
 * wrote (saved plans, the job summary, imported YAML), and `--format json` prints JSON that parses.
 */
export async function secretWorld(fixture: string, options: TestEmulatorOptions = {}) {
  const t = await startTestEmulator(options);
  onTestFinished(() => t.close());
  const dir = mkdtempSync(join(tmpdir(), 'hcr-adversarial-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const inputs = new Set(readdirSync(dir));
  const summary = join(dir, 'job-summary.md');
  const secrets = new Set<string>();
  let runs = 0;

  const expectNone = (where: string, text: string): void => {
    for (const secret of secrets) {
      for (const form of forms(secret))
        if (text.includes(form)) throw new Error(`secret ${JSON.stringify(secret)} leaked into ${where}:\n${text}`);
    }
  };
  const outputs = () => readdirSync(dir).filter((name) => !inputs.has(name));

  const hcr = async (args: string[], more: CliOptions = {}): Promise<CliResult> => {
    const r = await runCli(args, {
      cwd: dir,
      ...more,
      env: { ...t.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, ...more.env },
    });
    runs += 1;
    const what = `hcr ${args.join(' ')}`;
    expectNone(`the stdout of ${what}`, r.stdout);
    expectNone(`the stderr of ${what}`, r.stderr);
    for (const name of outputs()) expectNone(`${name}, after ${what}`, readFileSync(join(dir, name), 'utf8'));
    if (args.join(' ').includes('--format json') && r.stdout !== '') {
      expect(() => JSON.parse(r.stdout), `${what} printed JSON that does not parse:\n${r.stdout}`).not.toThrow();
    }
    return r;
  };

  /**
   * `plan` in every view, saved with --out and shown again in every view, and `drift` in every view:
   * the JSON documents of the three (which must agree on what is sensitive), and every result.
   */
  const everyView = async (args: string[], env: Record<string, string> = {}) => {
    const results: Record<string, CliResult> = {};
    for (const format of ['text', 'json', 'markdown']) {
      results[`plan ${format}`] = await hcr(['plan', ...args, '--format', format, '--out', `plan-${format}.hcrplan`], { env });
      results[`show ${format}`] = await hcr(['show', `plan-${format}.hcrplan`, '--format', format], { env });
      results[`drift ${format}`] = await hcr(['drift', ...args, '--format', format], { env });
    }
    for (const [name, r] of Object.entries(results)) expect(r.code, `${name}: ${r.stderr}`).toBe(name.startsWith('drift') ? 2 : 0);
    const plan = JSON.parse(results['plan json']!.stdout) as PlanJson;
    // A saved plan keeps the changes, not the Hasura checks' findings of the run that made it.
    const { checks: _checks, ...saved } = plan as PlanJson & { checks?: unknown };
    expect(JSON.parse(results['show json']!.stdout)).toEqual(saved);
    expect(JSON.parse(results['drift json']!.stdout)).toEqual(plan);
    expect(readFileSync(summary, 'utf8')).toContain('## hcr drift');
    return { plan, results };
  };

  return {
    t,
    dir,
    hcr,
    everyView,
    /** Registers values that must never be printed or written. */
    secret: (...values: string[]) => values.forEach((v) => secrets.add(v)),
    outputs,
    read: (name: string) => readFileSync(join(dir, name), 'utf8'),
    runs: () => runs,
  };
}

export interface PlanJsonEntry {
  key: string;
  action: string;
  sensitive: boolean;
  before?: string;
  after?: string;
}

export interface PlanJson {
  projects: { name: string; env: PlanJsonEntry[] }[];
}

/** A project's entries in a plan's JSON view, by key. */
export function entries(plan: PlanJson, project: string): Record<string, PlanJsonEntry> {
  const found = plan.projects.find((p) => p.name === project);
  if (!found) throw new Error(`no project ${project} in the plan`);
  return Object.fromEntries(found.env.map((e) => [e.key, e]));
}
