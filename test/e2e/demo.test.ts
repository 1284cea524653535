import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('hcr demo (the README\'s first command)', () => {
  it('runs validate, plan, apply, plan, drift, apply, drift with the expected exit codes', async () => {
    const r = await runCli(['demo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^\$ hcr .*/gm)).toEqual([
      '$ hcr validate',
      '$ hcr plan',
      '$ hcr apply --auto-approve',
      '$ hcr plan --detailed-exitcode',
      '$ hcr drift',
      '$ hcr apply --auto-approve',
      '$ hcr drift',
    ]);
    expect(r.stdout).toContain('Drift: 2 keys differ in 1 project.');
    expect(r.stdout).not.toMatch(/"type":"HS256"/);
  });
});
