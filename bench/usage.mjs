// Preloaded (`node --import`) into every process the bench measures: at exit it writes the
// process's own peak RSS and CPU time to fd 3, a pipe the bench opened. Node cannot ask for a
// child's rusage, and /usr/bin/time is not on every machine.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(3, JSON.stringify({ maxRssKB: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime }));
});
