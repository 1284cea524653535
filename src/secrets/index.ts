import { UserError } from '../errors.js';
import { readFromFile } from './file.js';
import { resolveInTree, type TreeFile } from './read.js';
import type { AgeIdentities } from './sops/age.js';
import type { Env } from './sops/exec.js';
import type { PlainMap } from './sops/tree.js';

/**
 * Value sources that read files: `fromSops: FILE#POINTER` (a SOPS-encrypted YAML, JSON or dotenv
 * file, MAC always verified) and `fromFile: PATH` (a mounted secret). Paths are relative to the
 * desired-state file that names them and must stay inside its directory tree. Every value is
 * sensitive; no error quotes one.
 *
 * The file reading here (resolveInTree, readCapped) is hcr's only "read a small regular file
 * safely" helper so far; it may move to a shared place when another part needs one.
 */

export type FileSource = { fromSops: string } | { fromFile: string };

/**
 * A source's file that cannot be used (outside the tree, unreadable, not decrypted): the same
 * problem for every value that names it. `file` tells such problems of one file from another's.
 */
export class SourceFileError extends UserError {
  override name = 'SourceFileError';
  constructor(
    message: string,
    readonly file: string,
    kind: UserError['kind'],
  ) {
    super(message, kind);
  }
}

/**
 * Reads value sources for one run: each file is read (and decrypted) once, keyed by its real path,
 * and age identities are looked up once, however many values name them. The SOPS decryptor (and
 * with it the yaml package and age) is loaded only when a fromSops value is read.
 */
export class SecretReader {
  private identities?: AgeIdentities;
  private readonly sopsFiles = new Map<string, Promise<PlainMap>>();
  private readonly plainFiles = new Map<string, Promise<string>>();
  private readonly resolved = new Map<string, Promise<TreeFile>>();

  /** `env` and `cwd` are the command's: identities, SOPS_AGE_KEY_CMD and sops are found through them. */
  constructor(
    private readonly env: Env,
    private readonly cwd: string,
  ) {}

  /** The value `source` names, for the desired-state file at `desiredFile` (absolute). Throws a UserError (a SourceFileError for its file). */
  async read(source: FileSource, desiredFile: string): Promise<string> {
    if ('fromFile' in source) {
      const file = await this.resolve(source.fromFile, desiredFile);
      return ofFile(
        once(this.plainFiles, file.real, () => readFromFile(file)),
        file.real,
      );
    }
    const { path, pointer } = splitSopsReference(source.fromSops);
    const file = await this.resolve(path, desiredFile);
    const [{ decryptSopsFile }, { AgeIdentities }, { valueAtPointer }] = await Promise.all([
      import('./sops/index.js'),
      import('./sops/age.js'),
      import('./sops/pointer.js'),
    ]);
    const tree = await ofFile(
      once(this.sopsFiles, file.real, () => {
        this.identities ??= new AgeIdentities(this.env, this.cwd);
        return decryptSopsFile(file, { env: this.env, cwd: this.cwd, identities: this.identities });
      }),
      file.real,
    );
    return valueAtPointer(tree, pointer, path);
  }

  /** `written` resolved in the tree of `desiredFile`, once however many values name it. */
  private resolve(written: string, desiredFile: string): Promise<TreeFile> {
    const key = `${desiredFile}\0${written}`;
    return ofFile(
      once(this.resolved, key, () => resolveInTree(written, desiredFile)),
      key,
    );
  }
}

/** What `file` answers, its UserErrors made SourceFileErrors of that file. */
async function ofFile<T>(pending: Promise<T>, file: string): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    throw err instanceof UserError ? new SourceFileError(err.message, file, err.kind) : err;
  }
}

function once<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    cache.set(key, value);
  }
  return value;
}

/** `secrets/prod.sops.yaml#/admin_secret` → the file and the JSON Pointer (split at the first #). */
function splitSopsReference(reference: string): { path: string; pointer: string } {
  const hash = reference.indexOf('#');
  if (hash < 0)
    throw new UserError(`${JSON.stringify(reference)} names no value: write FILE#/KEY, e.g. secrets/prod.sops.yaml#/admin_secret`);
  return { path: reference.slice(0, hash), pointer: reference.slice(hash + 1) };
}
