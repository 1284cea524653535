import { resolve } from 'node:path';
import { parseQuirks, quirkWords, QUIRKS_HELP, startEmulator } from '../../emulator/index.js';
import { MISSING_PREFIX, PREVIEW_JOB_DELAY_MS } from '../../emulator/preview.js';
import { defineCommand } from '../command.js';

/** The emulator's rules that its options do not show: what a user trying preview apps needs to know. */
const EPILOG = `Preview apps: a job scheduled by createGitHubPreviewApp runs for --preview-job-delay ms, then succeeds \
or fails. There is no GitHub behind the emulator: every repository exists, and every branch and directory in \
it except those whose name starts with "${MISSING_PREFIX}" (a job for one fails, as it would for a typo). A new \
job for a project name skips the job for that name still running.

Names are unique: createTenant and updateTenantName refuse a taken one (constraint-violation); a preview job \
redeploys the preview app of its name, and fails, touching nothing, when the name belongs to a project that is \
not a preview app.

Quirks (--quirks, comma-separated or repeated): the real service's known rough edges, each off unless named:
${QUIRKS_HELP}
Example: --quirks create-envs-fail=cloud_free,preview-drops-env,status-fields,create-renames`;

export const emulatorCommand = defineCommand({
  builder: (y) =>
    y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 4000, describe: 'Port to listen on (0: any free port)' })
      .option('token', {
        type: 'string',
        array: true,
        describe: 'Accepted access token (repeatable) [default: HASURA_CLOUD_ACCESS_TOKEN, else a generated one]',
      })
      .option('data', { type: 'string', describe: 'Keep the state in this JSON file (written atomically)' })
      .option('latency', { type: 'number', describe: 'Delay every answer by this many milliseconds' })
      .option('error-rate', { type: 'number', describe: 'Share of requests (0..1) that fail like server errors' })
      .option('lost-answer-rate', { type: 'number', describe: 'Share of mutations (0..1) that land but whose answer is lost' })
      .option('preview-job-delay', {
        type: 'number',
        describe: `Milliseconds a preview-app job runs before it finishes [default: ${PREVIEW_JOB_DELAY_MS}]`,
      })
      .option('quirks', {
        type: 'string',
        array: true,
        default: [] as string[],
        defaultDescription: 'none',
        describe:
          "Reproduce the real service's rough edges: create-renames, create-envs-fail=PLAN, preview-drops-env, status-fields (below)",
        coerce: parseQuirks,
      })
      .option('create-ignores-name', {
        type: 'boolean',
        describe: 'The same as --quirks create-renames: createTenant ignores the name asked for and picks a random one',
      })
      .example('hcr emulator', 'A local Hasura Cloud on port 4000; it prints the token to use')
      .example('hcr emulator --port 0 --data emulator.json', 'On any free port (printed: listening on URL), its state kept in a file')
      .example(
        'hcr emulator --quirks create-renames,preview-drops-env --error-rate 0.1',
        "With the real service's rough edges, and one request in ten failing",
      )
      .epilog(EPILOG),
  async run(ctx, args) {
    const quirks = { ...args.quirks, ...(args.createIgnoresName && { createRenames: true }) };
    const envToken = ctx.env.HASURA_CLOUD_ACCESS_TOKEN;
    const tokens = args.token?.length ? args.token : envToken ? [envToken] : undefined;
    const emulator = await startEmulator({
      host: args.host,
      port: args.port,
      tokens,
      dataFile: args.data === undefined ? undefined : resolve(ctx.cwd, args.data),
      latencyMs: args.latency,
      errorRate: args.errorRate,
      lostAnswerRate: args.lostAnswerRate,
      previewJobDelayMs: args.previewJobDelay,
      quirks,
    });
    const reproduced = quirkWords(quirks);
    if (reproduced.length > 0) ctx.log(`reproducing Hasura Cloud's quirks: ${reproduced.join(', ')}`);
    if (!tokens) {
      // Nobody chose a token, so the user has to be told the one that works.
      const [generated] = emulator.tokens;
      ctx.log(`hint: export HASURA_CLOUD_ENDPOINT=${emulator.url} HASURA_CLOUD_ACCESS_TOKEN=${generated}`);
      ctx.stdout.write(`token: ${generated}\n`);
    }
    // Last, so that whoever waits for this line has everything printed before it.
    ctx.stdout.write(`listening on ${emulator.url}\n`);
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await emulator.close();
    ctx.log('emulator stopped');
    return 0;
  },
});
