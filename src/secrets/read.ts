import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, posix, relative, resolve, sep, win32 } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Reading the files a value source names. A desired-state file comes from a pull request, so what
 * it names must stay inside its own directory tree: otherwise a PR could make CI read the runner's
 * own files (`/proc/self/environ`, `~/.ssh/id_ed25519`) into a project, where the PR's author could
 * read them back. Errors name the path as written and never quote what a file holds.
 */

/** A file a value source names, resolved and checked. */
export interface TreeFile {
  /** The path as the desired-state file wrote it, for messages. */
  written: string;
  /** The real path: no symlink left in it, inside the real directory of the desired-state file. */
  real: string;
}

/**
 * Resolves `written` against the directory of `desiredFile` (absolute), refusing absolute paths,
 * backslashes (so that a path means the same on every OS), anything that leaves that directory
 * lexically or through a symlink at any level, and anything that is not a regular file. Nothing is
 * opened here: opening a FIFO would block.
 */
export async function resolveInTree(written: string, desiredFile: string): Promise<TreeFile> {
  const refuse = (why: string): never => {
    throw new UserError(`${JSON.stringify(written)} ${why}`);
  };
  if (written === '') refuse('is empty; name a file relative to the desired-state file');
  if (written.includes('\0')) refuse('holds a NUL character');
  if (written.includes('\\')) refuse('holds a backslash; separate directories with /');
  if (isAbsolute(written) || posix.isAbsolute(written) || win32.isAbsolute(written) || /^[A-Za-z]:/.test(written)) {
    refuse('is an absolute path; name a file relative to the desired-state file, inside its directory');
  }
  const root = resolve(desiredFile, '..');
  const lexical = resolve(root, written);
  if (!inside(root, lexical)) refuse(`leaves the directory of the desired-state file (${root}); secrets must be kept inside it`);
  let real: string;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(lexical);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refuse(code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`);
  }
  if (!inside(realRoot, real)) {
    refuse(`leads through a symlink out of the directory of the desired-state file (${root}); secrets must be kept inside it`);
  }
  const kind = describeKind(await stat(real));
  if (kind) refuse(`is ${kind}, not a regular file`);
  return { written, real };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function describeKind(s: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  return 'a device';
}

/** Flags that keep open() from following a symlink swapped in, or blocking on a FIFO swapped in (where the OS has them). */
const SAFE_OPEN = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The bytes of a file resolveInTree accepted, refused past `maxBytes` without reading more than one byte beyond. */
export async function readCapped(file: TreeFile, maxBytes: number): Promise<Buffer> {
  const handle = await open(file.real, SAFE_OPEN).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`${JSON.stringify(file.written)} cannot be opened (${err.code ?? 'error'})`);
  });
  try {
    const s = await handle.stat();
    const kind = describeKind(s);
    if (kind) throw new UserError(`${JSON.stringify(file.written)} is ${kind}, not a regular file`);
    if (s.size > maxBytes) throw tooLarge(file, maxBytes);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(file, maxBytes);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function tooLarge(file: TreeFile, maxBytes: number): UserError {
  return new UserError(`${JSON.stringify(file.written)} is larger than ${maxBytes / 1024} KiB, more than a secret holds`);
}

/** `bytes` as UTF-8 text, a byte order mark kept, or an error naming the file. */
export function utf8(bytes: Buffer, written: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UserError(`${JSON.stringify(written)} is not UTF-8 text`);
  }
}
