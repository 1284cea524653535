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
  // Node's fetch parses HTTP with WebAssembly (undici's llhttp), which V8 recompiles with its
  // optimising compiler on a background thread; the process then waits for that at exit, 120 to
  // 200 ms after a command that made any request has finished. hcr sends a few dozen requests:
  // the baseline compiler's code parses them as fast, without the wait.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--liftoff-only');
  const { main } = await import('./main.js');
  const { processIo } = await import('./stdio.js');
  const { processInterrupts } = await import('./interrupts.js');
  const stdio = processIo();
  const code = await main(argv, { io: stdio.io, interrupts: processInterrupts(stdio.io.stderr) });
  // Output meant for stdout went to stderr: the run did not do all it was asked.
  process.exitCode = code === 0 && stdio.failure() ? 1 : code;
}
