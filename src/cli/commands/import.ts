import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CloudClient } from '../../cloud/client.js';
import { formatDiagnostics } from '../../config/diagnostics.js';
import { globMatcher } from '../../config/glob.js';
import { shortName } from '../../config/names.js';
import { selectProjects } from '../../config/select.js';
import { checkedDesiredYaml, schemaReference, type ImportedFile, type ImportedProject } from '../../config/write.js';
import { UserError } from '../../errors.js';
import { looksSecret } from '../../plan/looks-secret.js';
import { displayName, printable } from '../../render/index.js';
import { readEnvs } from '../../state/read.js';
import { writeFileAtomically } from '../../util/files.js';
import { didYouMean, plural } from '../../util/words.js';
import { batchOption, cloudClient, requestOptions } from '../cloud.js';
import { defineCommand, type ArgsOf } from '../command.js';
import type { Context, GlobalArgs } from '../context.js';
import { globs } from '../flags.js';

/** Requests in flight at once: plan's default --concurrency. */
const READ_CONCURRENCY = 10;
/** Project names the summary lists before it says `…`; the file has them all. */
const SHOWN_NAMES = 10;

const options = (y: Argv<GlobalArgs>) =>
  requestOptions(batchOption(y))
    .option('project', {
      type: 'string',
      array: true,
      nargs: 1,
      demandOption: true,
      describe: 'A live project to import, or a glob over live project names (repeatable)',
      coerce: globs('--project', 'name or glob'),
    })
    .option('out', { type: 'string', describe: 'Write to this file (atomically) instead of stdout' })
    .option('force', { type: 'boolean', default: false, describe: 'Let --out replace an existing file' })
    .option('sensitive-keys', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: 'A glob of keys whose values stay out of the file, besides those that look secret (repeatable)',
      coerce: globs('--sensitive-keys', 'glob'),
    })
    .example(
      'hcr import --project shop-prod --out hasura-cloud.yaml',
      'Start managing shop-prod: its env as desired state, secrets as fromEnv',
    )
    .example(
      'hcr import --project "shop-*" --sensitive-keys "*_TOKEN" > shop.yaml',
      'Every shop project; keys ending _TOKEN stay out of the file too',
    );

type ImportArgs = ArgsOf<typeof options>;

export const importCommand = defineCommand({
  builder: options,
  run: async (ctx, args) => {
    const out = args.out === undefined ? undefined : resolve(ctx.cwd, args.out);
    // Checked again, atomically, when writing; this saves reading every project only to refuse.
    if (out && !args.force && existsSync(out)) throw exists(args.out!);

    const client = await cloudClient(ctx, args, { readOnly: true });
    const projects = await readProjects(client, args.project, args.batchSize);

    const file = await importedFile(ctx, projects, args, out);

    if (out) {
      try {
        await writeFileAtomically(out, file.text, { overwrite: args.force, mode: 0o644 });
      } catch (err) {
        const { code, message } = err as NodeJS.ErrnoException;
        throw code === 'EEXIST' ? exists(args.out!) : new UserError(`cannot write ${args.out}: ${message}`);
      }
    } else {
      ctx.stdout.write(file.text);
    }
    const unused = args.sensitiveKeys.filter((glob) => !projects.some((p) => Object.keys(p.env).some(globMatcher([glob]))));
    ctx.view.diagnostics(
      unused.map((glob) => ({ severity: 'warning', message: `--sensitive-keys ${JSON.stringify(glob)} matched no key` })),
    );
    report(ctx, projects, file, args.out);
    return 0;
  },
});

/**
 * The file for `projects`, with every value that looks secret, or holds a secret (a URL with the
 * admin secret in it, say, or the token), read from a fromEnv variable; refused, with nothing
 * written, if hcr would reject it.
 */
async function importedFile(ctx: Context, projects: ImportedProject[], args: ImportArgs, out: string | undefined): Promise<ImportedFile> {
  const declaredSensitive = globMatcher(args.sensitiveKeys);
  const secret = (key: string, value: string) => declaredSensitive(key) || looksSecret(key, value);
  for (const p of projects) for (const [key, value] of Object.entries(p.env)) if (secret(key, value)) ctx.redactor.add(value);
  const file = await checkedDesiredYaml(
    projects,
    {
      schema: schemaReference(out ? dirname(out) : ctx.cwd),
      // The redactor knows every secret value and the token, and finds one inside another value by the rule it masks by.
      sensitive: (key, value) => secret(key, value) || ctx.redactor.foundIn(value),
    },
    args.out ?? 'the imported file',
  );
  if (file.problems.length > 0) {
    const problems = formatDiagnostics(file.problems, { githubActions: false }).trimEnd().split('\n');
    throw new UserError(
      `hcr would reject the file this import makes, so nothing was written:\n${problems.map((line) => `  ${printable(line)}`).join('\n')}\n` +
        'If it is too large, import fewer projects at a time (--project), into several files.',
    );
  }
  const left = file.skipped.filter((s) => s.key === undefined);
  if (left.length === projects.length) {
    const reasons = left.map((s) => `  ${displayName(shortName(s.project))}: ${printable(s.reason)}`);
    throw new UserError(`no project can be imported, so nothing was written:\n${reasons.join('\n')}`);
  }
  return file;
}

function exists(display: string): UserError {
  return new UserError(`${display} already exists; nothing was written (pass --force to replace it)`);
}

/** The live projects the patterns name, each with its env: one listing, then their envs in batches. */
async function readProjects(client: CloudClient, patterns: string[], batchSize: number): Promise<ImportedProject[]> {
  const listed = await client.listProjects();
  const names = listed.map((p) => p.name);
  const { selected, unmatched } = selectProjects(names, patterns);
  if (unmatched.length > 0) {
    throw new UserError(unmatched.map((pattern) => unmatchedProject(pattern, names)).join('\n'));
  }
  const refs = selected.map((name) => listed.find((p) => p.name === name)!);
  const orphan = refs.find((ref) => !ref.tenant);
  if (orphan) throw new UserError(`project ${orphan.name} has no tenant, so it has no env to import`);
  const results = await readEnvs(
    client,
    refs.map((ref) => ref.tenant!.id),
    { concurrency: READ_CONCURRENCY, batchSize },
  );
  return results.map((result, i) => {
    // Import is all or nothing: the first failure (already retried by the client) is the answer.
    if (result.status === 'rejected') throw result.reason;
    const ref = refs[i]!;
    return { name: ref.name, tenantId: ref.tenant!.id, env: result.value.env };
  });
}

function unmatchedProject(pattern: string, names: string[]): string {
  const guess = didYouMean(pattern, names);
  return `--project ${JSON.stringify(pattern)} matches no project in Hasura Cloud${guess ? ` — did you mean "${guess}"?` : names.length === 0 ? ' (the account has no projects)' : ''}`;
}

/**
 * What was imported, and what the user must do before a plan of it shows no changes: on stderr,
 * with every name and message from live state escaped, as it may hold control characters.
 */
function report(ctx: Context, projects: ImportedProject[], file: ImportedFile, out: string | undefined): void {
  const projectsLeft = file.skipped.filter((s) => s.key === undefined);
  const leftOut = new Set(projectsLeft.map((s) => s.project));
  const imported = projects.filter((p) => !leftOut.has(p.name));
  const keys = imported.reduce((n, p) => n + Object.keys(p.env).length, 0);
  const names =
    imported
      .slice(0, SHOWN_NAMES)
      .map((p) => p.name)
      .join(', ') + (imported.length > SHOWN_NAMES ? ', …' : '');
  const lines = [`Imported ${plural(imported.length, 'project')} (${names}) with ${plural(keys, 'key')}${out ? ` into ${out}` : ''}.`];
  const keysLeft = file.skipped.filter((s) => s.key !== undefined);
  if (projectsLeft.length > 0) {
    lines.push(`Not imported (a desired-state file cannot hold them): ${plural(projectsLeft.length, 'project')}`);
    for (const s of projectsLeft) lines.push(`  ${displayName(shortName(s.project))}: ${printable(s.reason)}`);
  }
  if (keysLeft.length > 0) {
    lines.push(`Not imported (left alone, as the file does not prune): ${plural(keysLeft.length, 'key')}`);
    for (const s of keysLeft) lines.push(`  ${s.project} ${displayName(shortName(s.key!))}: ${printable(s.reason)}`);
  }
  const plan = `hcr plan -f ${out ?? 'FILE'}`;
  const saved = out ? '' : ' (FILE: this output, saved)';
  const n = file.variables.length;
  if (n > 0) {
    const width = Math.max(...file.variables.map((v) => v.variable.length));
    lines.push(
      `${plural(n, 'value')} looked secret and ${n === 1 ? 'is' : 'are'} not in the output; set ${n === 1 ? 'this variable' : 'these variables'} to the live ${n === 1 ? 'value' : 'values'}:`,
      ...file.variables.map((v) => `  ${v.variable.padEnd(width)}  (${v.project} ${v.key})`),
      `With ${n === 1 ? 'it' : 'them'} set, \`${plan}\`${saved} shows no changes.`,
    );
  } else {
    lines.push(`\`${plan}\`${saved} shows no changes.`);
  }
  ctx.log(lines.join('\n'));
}
