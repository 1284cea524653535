import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileKind } from '../util/files.js';
import type { Diagnostic } from './types.js';

/** What `-f` means when it is not given. */
export const DEFAULT_FILE = 'hasura-cloud.yaml';

export interface InputFile {
  absolute: string;
  /** As messages show it: relative to the working directory, with `/`. */
  display: string;
}

function displayName(absolute: string, cwd: string): string {
  return relative(cwd, absolute).split(sep).join('/');
}

/**
 * The files named by `-f`: files as given, directories as every `*.yaml`/`*.yml` below them
 * (skipping hidden entries such as .git or .github, and node_modules). Sorted by display name,
 * each file once.
 */
export async function findFiles(paths: readonly string[], cwd: string): Promise<{ files: InputFile[]; diagnostics: Diagnostic[] }> {
  const found = new Map<string, InputFile>();
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let kind: string;
    try {
      const s = await stat(absolute);
      kind = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : fileKind(s);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const hint = path === DEFAULT_FILE ? ` in ${cwd}; create it, or name the desired-state files with -f PATH` : '';
      diagnostics.push({ message: `${path}: ${missing ? 'no such file or directory' : (err as Error).message}${hint}` });
      continue;
    }
    if (kind !== 'file' && kind !== 'directory') {
      diagnostics.push({ message: `${path}: ${kind}, not a file or a directory` });
      continue;
    }
    const files = kind === 'directory' ? await yamlFilesUnder(absolute) : [absolute];
    if (files.length === 0) diagnostics.push({ message: `${path}: a directory without *.yaml or *.yml files` });
    for (const file of files) found.set(file, { absolute: file, display: displayName(file, cwd) });
  }
  const files = [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { files, diagnostics };
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await yamlFilesUnder(path)));
    else if (/\.ya?ml$/i.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) files.push(path);
  }
  return files;
}
