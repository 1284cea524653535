import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedShop, world } from './setup.js';

const NAMES = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

/** A desired state of twelve projects, each wanting FEATURE=on, in a fresh directory. */
function manyProjects(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcr-ci-'));
  const projects = NAMES.map((name) => `  ${name}:\n    env:\n      FEATURE: "on"\n`).join('');
  writeFileSync(join(dir, 'hasura-cloud.yaml'), `version: 1\nprojects:\n${projects}`);
  return dir;
}

describe('running hcr in CI', () => {
  it('--shard K/N splits the projects into N disjoint shards that cover every project once', async () => {
    const { t, hcr } = await world();
    for (const name of NAMES) t.seed(name);
    const cwd = manyProjects();
    const shards: string[][] = [];
    for (const k of [1, 2, 3]) {
      const r = await hcr(['plan', '--format', 'json', '--shard', `${k}/3`], { cwd });
      expect(r.code).toBe(0);
      shards.push(JSON.parse(r.stdout).projects.map((p: { name: string }) => p.name));
    }
    expect(shards.flat().sort()).toEqual(NAMES);
    expect(shards.every((s) => s.length > 0)).toBe(true);
    const again = await hcr(['plan', '--format', 'json', '--shard', '2/3'], { cwd });
    expect(JSON.parse(again.stdout).projects.map((p: { name: string }) => p.name)).toEqual(shards[1]);

    const apply = await hcr(['apply', '--auto-approve', '--shard', '1/3'], { cwd });
    expect(apply.code).toBe(0);
    for (const name of NAMES) {
      const { tenantId } = t.emulator.store.findProjectByName(name)!;
      expect(t.emulator.store.getEnv(tenantId).env.FEATURE).toBe(shards[0]!.includes(name) ? 'on' : undefined);
    }
  });

  it('colours only a terminal, never with NO_COLOR or --no-color, and draws progress only on a terminal', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const escape = /\u001b\[/;
    const onTty = await hcr(['plan', '-f', 'shop.yaml'], { tty: true });
    expect(onTty.stdout).toMatch(escape);
    expect(onTty.stderr).toContain('\r');
    expect((await hcr(['plan', '-f', 'shop.yaml'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(escape);
    expect((await hcr(['plan', '-f', 'shop.yaml', '--no-color'], { tty: true })).stdout).not.toMatch(escape);
    const piped = await hcr(['plan', '-f', 'shop.yaml']);
    expect(piped.stdout + piped.stderr).not.toMatch(escape);
    expect(piped.stderr).not.toContain('\r');
  });

  it('under GitHub Actions, appends the full Markdown plan to the job summary', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const summary = join(mkdtempSync(join(tmpdir(), 'hcr-summary-')), 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await hcr(['plan', '-f', 'shop.yaml'], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n## hcr plan')).toBe(true);
    expect(written).toContain('| `shop-prod` | update |');
  });

  it('says which job summary file it cannot write, and exits 1', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    const summary = join(mkdtempSync(join(tmpdir(), 'hcr-summary-')), 'missing', 'summary.md');
    const r = await hcr(['plan', '-f', 'shop.yaml'], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: cannot write to GITHUB_STEP_SUMMARY (${summary}): ENOENT`);
  });
});
