import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Why a file was not read: what it is (`a named pipe (FIFO)`), or its size, never anything of its
 * content. Messages name the file first: `${display}: ${reason}`.
 */
export class FileRefused extends Error {
  override name = 'FileRefused';
  constructor(
    readonly kind: 'missing' | 'directory' | 'not-regular' | 'too-large' | 'unreadable',
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface SmallFile {
  bytes: Buffer;
  /** The file's status, from the open descriptor (its mode, for a file that must be private). */
  stat: Stats;
}

/** `5 MiB`, `64 KiB`, `12.3 MiB`. */
function sizeText(bytes: number): string {
  const [unit, size] = bytes >= 1024 * 1024 ? ['MiB', bytes / 1024 / 1024] : bytes >= 1024 ? ['KiB', bytes / 1024] : ['bytes', bytes];
  return `${Math.round(size * 10) / 10} ${unit}`;
}

const CHUNK = 64 * 1024;
/** O_NONBLOCK, where the platform has it: an open that finds a FIFO then fails or returns at once instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a regular file of at most `limit` bytes, and nothing else. Every file that hcr is told to
 * read (desired state, saved plans, the token file, env files) may be the wrong one: opening a
 * FIFO blocks until someone writes to it, a device such as /dev/zero never ends, and a huge file
 * takes all the memory. So the file is checked with stat (through symlinks) before it is opened,
 * opened without blocking, checked again through the descriptor to be that same regular file,
 * and read up to `limit` bytes: a file that grew past it meanwhile is refused too.
 */
export function readSmallFile(path: string, limit: number): SmallFile {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (err) {
    throw refusal(err);
  }
  check(before, limit);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw refusal(err);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.ino !== before.ino || stat.dev !== before.dev)
      throw new FileRefused('unreadable', 'it was replaced by another file while hcr opened it');
    check(stat, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - size));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      size += read;
      if (size > limit) throw tooLarge(size, limit, 'at least ');
    }
    return { bytes: Buffer.concat(chunks, size), stat };
  } catch (err) {
    throw err instanceof FileRefused ? err : refusal(err);
  } finally {
    closeSync(fd);
  }
}

function check(stat: Stats, limit: number): void {
  if (stat.isDirectory()) throw new FileRefused('directory', 'a directory, not a file');
  if (!stat.isFile()) throw new FileRefused('not-regular', `${fileKind(stat)}, not a regular file; hcr reads only regular files`);
  if (stat.size > limit) throw tooLarge(stat.size, limit, '');
}

function tooLarge(size: number, limit: number, atLeast: string): FileRefused {
  return new FileRefused(
    'too-large',
    `the file is ${atLeast}${sizeText(size)}; hcr reads such files of at most ${sizeText(limit)} — is it the right file?`,
  );
}

/** What a file that is neither a regular file nor a directory is, in words. */
export function fileKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

function refusal(err: unknown): FileRefused {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FileRefused('missing', 'no such file');
  if (code === 'EISDIR') return new FileRefused('directory', 'a directory, not a file');
  return new FileRefused('unreadable', `cannot be read (${code ?? (err as Error).message})`);
}

export interface AtomicWrite {
  /** Replace a file that exists; without it the write fails with EEXIST if `file` exists, even one created a moment ago. */
  overwrite: boolean;
  /** The file's mode from its first byte: 0o600 for anything that may hold a secret. */
  mode: number;
}

/**
 * Writes `text` to `file` whole or not at all: to a fresh temporary file beside it (never through
 * an existing file or symlink), synced, then moved into place, so that a reader, or a process
 * killed midway, sees the old file or the whole new one, never a torn one. Without `overwrite`,
 * the move is a hard link, which fails if `file` exists. No temporary file is left behind.
 */
export async function writeFileAtomically(file: string, text: string, options: AtomicWrite): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) await rename(temp, file);
    else await link(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
