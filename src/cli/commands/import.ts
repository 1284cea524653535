import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CloudClient } from '../../cloud/client.js';
import { globMatcher, globProblem } from '../../config/glob.js';
import { selectProjects } from '../../config/select.js';
import { desiredYaml, schemaReference, writeFileAtomically, type ImportedFile, type ImportedProject } from '../../config/write.js';
import { UserError } from '../../errors.js';
import { looksSecret } from '../../plan/secrets.js';
import { readEnvs } from '../../state/read.js';
import { didYouMean, plural } from '../../util/words.js';
import { batchOption, checkBatchSize, cloudClient, type BatchArgs, type CloudArgs } from '../cloud.js';
import { defineCommand, type Context } from '../context.js';

interface ImportArgs extends CloudArgs, BatchArgs {
  project: string[];
  out?: string;
  force: boolean;
  sensitiveKeys: string[];
}

/** Requests in flight at once: plan's default --concurrency. */
const READ_CONCURRENCY = 10;
/** Project names the summary lists before it says `…`; the file has them all. */
const SHOWN_NAMES = 10;

export const importCommand = defineCommand<ImportArgs>({
  builder: (y) =>
    batchOption(y)
      .option('project', {
        type: 'string',
        array: true,
        nargs: 1,
        demandOption: true,
        describe: 'A live project to import, or a glob over live project names (repeatable)',
      })
      .option('out', { type: 'string', describe: 'Write to this file (atomically) instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'Let --out replace an existing file' })
      .option('sensitive-keys', {
        type: 'string',
        array: true,
        nargs: 1,
        default: [],
        describe: 'A glob of keys whose values stay out of the file, besides those that look secret (repeatable)',
      })
      .option('retries', { type: 'number', describe: 'Further attempts of a read after a transient failure (default 4)' })
      .option('timeout', { type: 'number', describe: 'Seconds one request may take (default 30)' }) as never,
  run: async (ctx, args) => {
    checkBatchSize(args.batchSize);
    for (const glob of args.sensitiveKeys) {
      const problem = globProblem(glob);
      if (problem) throw new UserError(`--sensitive-keys ${JSON.stringify(glob)} is not a valid glob: ${problem}`);
    }
    const out = args.out === undefined ? undefined : resolve(ctx.cwd, args.out);
    // Checked again, atomically, when writing; this saves reading every project only to refuse.
    if (out && !args.force && existsSync(out)) throw exists(args.out!);

    const client = await cloudClient(ctx, args, { readOnly: true });
    const projects = await readProjects(client, args.project, args.batchSize);

    const declaredSensitive = globMatcher(args.sensitiveKeys);
    const secret = (key: string, value: string) => declaredSensitive(key) || looksSecret(key, value);
    for (const p of projects) for (const [key, value] of Object.entries(p.env)) if (secret(key, value)) ctx.redactor.add(value);
    // Anything holding a secret is one too (a URL with the admin secret in it, say, or the token):
    // hcr's redactor would mask it in any output, so it must not be in the file either.
    const file = desiredYaml(projects, {
      schema: schemaReference(out ? dirname(out) : ctx.cwd),
      sensitive: (key, value) => secret(key, value) || ctx.redactor.apply(value) !== value,
    });

    if (out) {
      try {
        await writeFileAtomically(out, file.text, { overwrite: args.force });
      } catch (err) {
        const { code, message } = err as NodeJS.ErrnoException;
        throw code === 'EEXIST' ? exists(args.out!) : new UserError(`cannot write ${args.out}: ${message}`);
      }
    } else {
      ctx.stdout.write(file.text);
    }
    const unusedGlobs = args.sensitiveKeys.filter((glob) => !projects.some((p) => Object.keys(p.env).some(globMatcher([glob]))));
    report(ctx, projects, file, args.out, unusedGlobs);
    return 0;
  },
});

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

/** What was imported, and what the user must do before a plan of it shows no changes: on stderr. */
function report(ctx: Context, projects: ImportedProject[], file: ImportedFile, out: string | undefined, unusedGlobs: string[]): void {
  const keys = projects.reduce((n, p) => n + Object.keys(p.env).length, 0);
  const names =
    projects
      .slice(0, SHOWN_NAMES)
      .map((p) => p.name)
      .join(', ') + (projects.length > SHOWN_NAMES ? ', …' : '');
  const lines = [`Imported ${plural(projects.length, 'project')} (${names}) with ${plural(keys, 'key')}${out ? ` into ${out}` : ''}.`];
  for (const glob of unusedGlobs) lines.push(`warning: --sensitive-keys ${JSON.stringify(glob)} matched no key`);
  if (file.skipped.length > 0) {
    lines.push(`Not imported (left alone, as the file does not prune): ${plural(file.skipped.length, 'key')}`);
    for (const s of file.skipped) lines.push(`  ${s.project} ${s.key}: ${s.reason}`);
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
