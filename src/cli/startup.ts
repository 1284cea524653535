import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `module.enableCompileCache`, which Node has from 22.1 on. */
type EnableCompileCache = (directory: string) => { status: number; message?: string };

/**
 * Turns on Node's compile cache before hcr's code loads, in hcr's own directory
 * (`$XDG_CACHE_HOME/hcr/compile-cache`, by default under ~/.cache): it keeps V8's code for each
 * chunk of the bundle, so that every run after the first skips compiling them. Without it (Node
 * 20, NODE_DISABLE_COMPILE_CACHE, or a directory Node cannot write, which it answers with a
 * status that changes nothing) hcr compiles its code as before.
 */
export function enableCompileCache(env: Record<string, string | undefined>): void {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  // NODE_COMPILE_CACHE has turned the cache on already, in the directory the user chose.
  if (!enable || env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE) return;
  let cacheHome: string;
  try {
    cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  } catch {
    // No home directory to keep a cache in.
    return;
  }
  enable(join(cacheHome, 'hcr', 'compile-cache'));
}
