import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { seedShop, world } from './setup.js';

// README: "No command makes a request until the whole input is valid."
describe('no request before the whole input is valid', () => {
  // A valid file beside one whose YAML does not parse: the valid one is not planned on its own.
  const BROKEN = ['-f', 'shop.yaml', '-f', '../bad/syntax-unclosed-quote.yaml'];

  it.each([
    ['plan', [...BROKEN]],
    ['apply', [...BROKEN, '--auto-approve']],
    ['drift', [...BROKEN]],
    ['apply', ['-f', 'shop.yaml', '--auto-approve', '--batch-size', '0']],
    ['drift', ['-f', 'shop.yaml', '--shard', '3/2']],
  ])('%s %j: exit 1, and not one request', async (command, args) => {
    const { t, hcr } = await world();
    seedShop(t);
    const r = await hcr([command, ...args]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
    expect(t.emulator.requests).toEqual([]);
  });

  it('names the broken file, at its line, for apply and drift', async () => {
    const { t, hcr } = await world();
    seedShop(t);
    for (const command of [['apply', '--auto-approve'], ['drift']]) {
      expect((await hcr([...command, ...BROKEN])).stderr).toMatch(/syntax-unclosed-quote\.yaml:\d+:\d+: YAML syntax error/);
    }
  });

  it.each([
    [
      'an extglob in --project',
      ['--project', '@(shop-prod|shop-staging)'],
      '--project "@(shop-prod|shop-staging)" is not a valid name or glob',
    ],
    ['a brace range in --project', ['--project', 'shop-{1..3}'], '--project "shop-{1..3}" is not a valid name or glob'],
    ['a broken --sensitive-keys glob', ['--project', 'shop-prod', '--sensitive-keys', 'A['], '--sensitive-keys "A[" is not a valid glob'],
    ['a --batch-size of 0', ['--project', 'shop-prod', '--batch-size', '0'], '--batch-size must be a whole number from 1 to 100'],
    ['an --out that exists, without --force', ['--project', 'shop-prod', '--out', 'taken.yaml'], 'taken.yaml already exists'],
  ])('import with %s: exit 1, and not one request', async (_what, args, says) => {
    const { t, hcr } = await world();
    seedShop(t);
    const cwd = mkdtempSync(join(tmpdir(), 'hcr-valid-first-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    writeFileSync(join(cwd, 'taken.yaml'), 'version: 1\n');
    const r = await hcr(['import', ...args], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(says);
    expect(t.emulator.requests).toEqual([]);
  });
});
