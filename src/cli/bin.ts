#!/usr/bin/env node
import { enableCompileCache } from './startup.js';

const argv = process.argv.slice(2);

// Scripts and CI jobs ask for the version to check an install; loading yargs is most of what
// that would cost, so the answer (yargs' own: the version and a newline) is given without it.
if (argv.length === 1 && argv[0] === '--version') {
  const { HCR_VERSION } = await import('../version.js');
  process.stdout.write(`${HCR_VERSION}\n`);
} else {
  enableCompileCache(process.env);
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
