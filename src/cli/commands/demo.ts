import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/index.js';
import { packageFile } from '../../paths.js';
import { defineCommand } from '../command.js';

const DESIRED = packageFile('examples/demo/hasura-cloud.yaml');

/** The projects the demo's Hasura Cloud starts with, as someone once set them up by hand. */
const LIVE: Record<string, Record<string, string>> = {
  'shop-prod': {
    ACTIONS_ENDPOINT: 'https://old-actions.example.com',
    HASURA_GRAPHQL_ENABLE_CONSOLE: 'true',
    LEGACY_WEBHOOK_URL: 'https://hooks.example.com/legacy',
    PG_POOL_SIZE: '20',
  },
  'shop-staging': {
    ACTIONS_ENDPOINT: 'https://actions.staging.example.com',
    OLD_FEATURE_FLAG: 'on',
  },
};

export const demoCommand = defineCommand({
  builder: (y) => y.example('hcr demo', 'Watch hcr plan, apply, catch drift and refuse a stale plan, all against a local Hasura Cloud'),
  run: async (ctx) => {
    const token = `demo-${randomBytes(12).toString('hex')}`;
    const emulator = await startEmulator({ host: '127.0.0.1', port: 0, tokens: [token] });
    const dir = await mkdtemp(join(tmpdir(), 'hcr-demo-'));
    try {
      for (const [name, env] of Object.entries(LIVE)) emulator.store.createProject({ name, env });
      await copyFile(DESIRED, join(dir, 'hasura-cloud.yaml'));
      const env = {
        NO_COLOR: ctx.color ? undefined : '1',
        FORCE_COLOR: ctx.color ? '1' : undefined,
        HASURA_CLOUD_ENDPOINT: emulator.url,
        HASURA_CLOUD_ACCESS_TOKEN: token,
        SHOP_PROD_JWT_SECRET: JSON.stringify({ type: 'HS256', key: randomBytes(32).toString('hex') }),
      };
      const say = (text: string) => ctx.stdout.write(`\n${ctx.style.dim(text.replace(/^/gm, '# '))}\n`);
      const hcr = async (expected: number, ...args: string[]): Promise<void> => {
        ctx.stdout.write(`\n${ctx.style.bold(`$ hcr ${args.join(' ')}`)}\n`);
        const code = await ctx.runHcr(args, { io: { stdout: ctx.stdout, stderr: ctx.stderr, stdin: ctx.stdin }, env, cwd: dir });
        ctx.stdout.write(`${ctx.style.dim(`[exit ${code}]`)}\n`);
        if (code !== expected) throw new Error(`the demo expected \`hcr ${args.join(' ')}\` to exit ${expected}, not ${code}`);
      };

      ctx.stdout.write(
        `${ctx.style.dim(
          `# A local Hasura Cloud is running at ${emulator.url} with two projects set up by hand.\n` +
            '# Nothing here touches a real account. The desired state, as it would sit in git:',
        )}\n`,
      );
      ctx.stdout.write(`\n${ctx.style.bold('$ cat hasura-cloud.yaml')}\n${await readFile(DESIRED, 'utf8')}`);
      await hcr(0, 'validate');
      say('What would change? (SHOP_PROD_JWT_SECRET is set in the environment; its value is never shown.)');
      await hcr(0, 'plan');
      await hcr(0, 'apply', '--auto-approve');
      say('Applied: a new plan finds nothing to do.');
      await hcr(0, 'plan', '--detailed-exitcode');

      const prod = emulator.store.findProjectByName('shop-prod')!;
      const editByHand = (env: Record<string, string>) =>
        emulator.store.updateEnv(prod.tenantId, emulator.store.getEnv(prod.tenantId).hash, env);
      editByHand({ ACTIONS_ENDPOINT: 'https://hotfix.example.com', DEBUG: 'true' });
      say(
        'Someone edits shop-prod by hand in the console: ACTIONS_ENDPOINT=https://hotfix.example.com, DEBUG=true.\nThe nightly drift check notices (exit 2):',
      );
      await hcr(2, 'drift');
      say('A fix goes through review: the plan is saved (it holds no secret) for the pull request.');
      await hcr(0, 'plan', '--out', 'fix.hcrplan');
      editByHand({ DEBUG: 'verbose' });
      say(
        'Before it is merged, someone edits shop-prod again (DEBUG=verbose). Applying the reviewed plan\nrefuses to overwrite what nobody reviewed (exit 3), and writes nothing to shop-prod:',
      );
      await hcr(3, 'apply', 'fix.hcrplan');
      say('So: plan again, review, apply the new plan.');
      await hcr(0, 'plan', '--out', 'fix.hcrplan');
      await hcr(0, 'apply', 'fix.hcrplan');
      await hcr(0, 'drift');
      say(
        'Next: write a hasura-cloud.yaml for your projects (see examples/), or start from what is live:\n' +
          '  export HASURA_CLOUD_ACCESS_TOKEN=<a personal access token>\n' +
          '  hcr import --project my-project --out hasura-cloud.yaml\n' +
          '  hcr plan',
      );
      return 0;
    } finally {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
