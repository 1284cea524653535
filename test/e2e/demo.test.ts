import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe("hcr demo (the README's first command)", () => {
  it('runs the loop, a drift, and a stale saved plan with the expected exit codes', async () => {
    const r = await runCli(['demo']);
    expect(r.stderr).not.toMatch(/Error|\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\$ hcr .*/gm)).toEqual([
      '$ hcr validate',
      '$ hcr plan',
      '$ hcr apply --auto-approve',
      '$ hcr plan --detailed-exitcode',
      '$ hcr drift',
      '$ hcr plan --out fix.hcrplan',
      '$ hcr apply fix.hcrplan',
      '$ hcr plan --out fix.hcrplan',
      '$ hcr apply fix.hcrplan',
      '$ hcr drift',
    ]);
    expect(r.stdout.match(/^\[exit \d\]/gm)).toEqual([
      '[exit 0]',
      '[exit 0]',
      '[exit 0]',
      '[exit 0]',
      '[exit 2]',
      '[exit 0]',
      '[exit 3]',
      '[exit 0]',
      '[exit 0]',
      '[exit 0]',
    ]);
    expect(r.stdout).toContain('Drift: 2 keys differ in 1 project.');
    expect(r.stdout).not.toMatch(/"type":"HS256"/);
  });
});
