import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('fixtures/stack/', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hcr-stack-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * A bug's stack from a bundle made as hcr's build makes it (a linked map without the sources),
 * or without a map, run by plain Node (the tests' own source maps would map it otherwise).
 */
async function stacks(sourcemap: 'linked' | false): Promise<{ raw: string; mapped: string; bundle: string }> {
  const bundle = join(dir, `print-${sourcemap}.js`);
  await build({
    entryPoints: [join(FIXTURES, 'print.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap,
    sourcesContent: false,
    logLevel: 'error',
  });
  const { stdout } = await promisify(execFile)(process.execPath, [bundle], { env: {} });
  return { ...(JSON.parse(stdout) as { raw: string; mapped: string }), bundle: pathToFileURL(bundle).href };
}

describe('stack traces of bugs', () => {
  it("point into the sources through the bundle's source map", async () => {
    const { raw, mapped, bundle } = await stacks('linked');
    expect(raw.split('\n')[1]).toContain(`${bundle}:`);
    expect(mapped.split('\n')[1]).toContain(`${pathToFileURL(join(FIXTURES, 'boom.ts')).href}:5:9`);
  });

  it('stay as they are where there is no map', async () => {
    const { raw, mapped, bundle } = await stacks(false);
    expect(raw.split('\n')[1]).toContain(`${bundle}:`);
    expect(mapped).toBe(raw);
  });
});
