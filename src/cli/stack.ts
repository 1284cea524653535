import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The stack of `err`, each place in the bundle (dist/*.js) replaced by its place in src/, as the
 * bundle's source maps give it. Node does this itself with source maps turned on, but then reads
 * and indexes the map of every chunk as it loads (some 40 ms of every run); the stack of a bug is
 * the one place hcr needs them. Places without a map (src/ run directly, Node's own) stay as they are.
 */
export function sourceMappedStack(err: Error): string {
  const maps = new Map<string, SourceMap | undefined>();
  return (err.stack ?? err.message).replace(
    /(file:\/\/\/[^\s()]+\.js):(\d+):(\d+)/g,
    (place, url: string, line: string, column: string) => {
      if (!maps.has(url)) maps.set(url, readMap(url));
      const entry = maps.get(url)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry || !('originalSource' in entry)) return place;
      return `${new URL(entry.originalSource, url).href}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    },
  );
}

function readMap(url: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(fileURLToPath(`${url}.map`), 'utf8')));
  } catch {
    return undefined;
  }
}
