import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { writeFileAtomically } from '../util/files.js';
import { parseSnapshot, type StoreSnapshot } from './snapshot.js';
import type { Store } from './store.js';

/** Reads the state kept in `file`; undefined when there is none yet. */
export async function loadDataFile(file: string): Promise<StoreSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the emulator data file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseSnapshot(JSON.parse(text));
  } catch (err) {
    throw new UserError(`the emulator data file ${file} is unusable: ${(err as Error).message}; move it away to start empty`);
  }
}

/**
 * Keeps `file` equal to the store. Each write is atomic (writeFileAtomically), so a killed process
 * leaves either the old or the new state, never a torn file; the file holds secret values, so it
 * is private (0600). Writes never overlap: changes made while one is in flight are
 * coalesced into the next, so a burst of mutations costs a few writes, not one each.
 */
export class DataFileWriter {
  /** The store version the file holds. */
  private written: number;
  private running: Promise<void> | undefined;
  private waiters: { version: number; resolve(): void; reject(err: Error): void }[] = [];
  private readonly unsubscribe: () => void;

  /**
   * Starts following `store`. When the file does not hold it yet it is written first, so that
   * an unwritable path fails at start rather than on the first mutation.
   */
  static async start(file: string, store: Store, initialised: boolean): Promise<DataFileWriter> {
    const writer = new DataFileWriter(file, store, initialised);
    try {
      await writer.persisted();
    } catch (err) {
      writer.unsubscribe();
      throw new UserError(`cannot write the emulator data file ${file}: ${(err as Error).message}`);
    }
    return writer;
  }

  private constructor(
    private readonly file: string,
    private readonly store: Store,
    initialised: boolean,
  ) {
    this.written = initialised ? store.version : -1;
    this.unsubscribe = store.onChange(() => this.kick());
    this.kick();
  }

  /** Resolves once the file holds the store as it is now (or a later state). */
  persisted(): Promise<void> {
    const version = this.store.version;
    if (this.written >= version) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ version, resolve, reject }));
  }

  /** Stops following the store after writing what is pending. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.running;
    if (this.written < this.store.version) await this.writeOnce();
  }

  private kick(): void {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.written < this.store.version) {
      try {
        await this.writeOnce();
      } catch (err) {
        // The failure is reported to whoever waits; the next change tries again.
        this.settle(Number.POSITIVE_INFINITY, err as Error);
        return;
      }
    }
  }

  private async writeOnce(): Promise<void> {
    const version = this.store.version;
    const text = this.store.snapshotText();
    await writeFileAtomically(this.file, text, { overwrite: true, mode: 0o600 });
    this.written = version;
    this.settle(version);
  }

  private settle(upTo: number, err?: Error): void {
    const done = this.waiters.filter((w) => w.version <= upTo);
    this.waiters = this.waiters.filter((w) => w.version > upTo);
    for (const w of done) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }
}
