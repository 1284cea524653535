import { isAbsolute, join, resolve } from 'node:path';
import { armor, Decrypter, identityToRecipient } from 'age-encryption';
import { FileRefused, readSmallFile } from '../../util/files.js';
import { plural } from '../../util/words.js';
import type { AgeStanza } from './metadata.js';
import { findExecutable, run, splitCommand, type Env } from './exec.js';

/**
 * age identities, found where sops finds them (getsops/sops age/keysource.go): the keys in
 * SOPS_AGE_KEY, the file SOPS_AGE_KEY_FILE, the output of SOPS_AGE_KEY_CMD (run with
 * SOPS_AGE_RECIPIENT set), and sops/age/keys.txt in the user's config directory. Like sops, every
 * place that is set is used. They are read from the command's environment, never process.env.
 */

/** A keys file holds a handful of lines. */
const MAX_KEYS_BYTES = 1024 * 1024;

/** One place identities are looked for, as messages name it. */
interface Place {
  name: string;
  identities: string[];
  /** What was found there, e.g. "2 identities", "not set", "not found", or what went wrong. */
  note: string;
}

export interface Unwrapped {
  dataKey?: Buffer;
  /** Where identities were looked for, for the error when none opens the file. */
  places: Place[];
  /** Whether any identity was found at all. */
  found: boolean;
  /** Entries that matched an identity but did not open (a damaged or altered data key). */
  failures: string[];
}

export class AgeIdentities {
  private fixed?: Promise<Place[]>;
  private readonly commands = new Map<string, Promise<Place>>();

  constructor(
    private readonly env: Env,
    private readonly cwd: string,
  ) {}

  /** The data key, from the first of `stanzas` an identity opens. */
  async unwrap(stanzas: AgeStanza[]): Promise<Unwrapped> {
    const fixed = await (this.fixed ??= this.loadFixed());
    const failures: string[] = [];
    let places = fixed;
    for (const stanza of stanzas) {
      const command = this.env.SOPS_AGE_KEY_CMD === undefined ? undefined : await this.fromCommand(stanza.recipient);
      places = command ? [...fixed, command] : fixed;
      const identities = places.flatMap((p) => p.identities);
      if (identities.length === 0) continue;
      const decrypter = new Decrypter();
      for (const identity of identities) decrypter.addIdentity(identity);
      try {
        const key = Buffer.from(await decrypter.decrypt(armor.decode(stanza.enc)));
        if (key.length === 32) return { dataKey: key, places, found: true, failures };
        failures.push(`the age entry for ${stanza.recipient} holds ${key.length} bytes, not a 32-byte data key`);
      } catch (err) {
        const message = (err as Error).message;
        if (!/no identity matched/.test(message)) failures.push(`the age entry for ${stanza.recipient} does not open (${message})`);
      }
    }
    return { places, found: places.some((p) => p.identities.length > 0), failures };
  }

  private async loadFixed(): Promise<Place[]> {
    const places: Place[] = [];
    const key = this.env.SOPS_AGE_KEY;
    places.push(key === undefined ? unset('SOPS_AGE_KEY') : await parsePlace('SOPS_AGE_KEY', key, true));
    const file = this.env.SOPS_AGE_KEY_FILE;
    places.push(
      file === undefined ? unset('SOPS_AGE_KEY_FILE') : await this.fromFile(`SOPS_AGE_KEY_FILE (${file})`, resolve(this.cwd, file), true),
    );
    const config = userConfigDir(this.env);
    if (config) places.push(await this.fromFile(join(config, 'sops', 'age', 'keys.txt'), join(config, 'sops', 'age', 'keys.txt'), false));
    return places;
  }

  private async fromFile(name: string, path: string, named: boolean): Promise<Place> {
    let text: string;
    try {
      text = readSmallFile(path, MAX_KEYS_BYTES).bytes.toString('utf8');
    } catch (err) {
      if (!(err instanceof FileRefused)) throw err;
      return { name, identities: [], note: keysFileNote(err, named) };
    }
    return parsePlace(name, text, false);
  }

  private fromCommand(recipient: string): Promise<Place> {
    let place = this.commands.get(recipient);
    if (!place) {
      place = this.runCommand(this.env.SOPS_AGE_KEY_CMD!, recipient);
      this.commands.set(recipient, place);
    }
    return place;
  }

  private async runCommand(line: string, recipient: string): Promise<Place> {
    const name = 'SOPS_AGE_KEY_CMD';
    const words = splitCommand(line);
    if (!words || words.length === 0) return { name, identities: [], note: 'not a command (empty, or a quote left open)' };
    const program = await findExecutable(words[0]!, this.env, this.cwd);
    if (!program) return { name, identities: [], note: `${JSON.stringify(words[0])} was not found on PATH` };
    try {
      const ran = await run(program, words.slice(1), {
        env: { ...this.env, SOPS_AGE_RECIPIENT: recipient },
        cwd: this.cwd,
        maxBytes: MAX_KEYS_BYTES,
      });
      if (ran.exit !== 0) return { name, identities: [], note: `failed (exit ${ran.exit})` };
      return await parsePlace(name, ran.stdout.toString('utf8'), false);
    } catch (err) {
      return { name, identities: [], note: `could not be run (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
}

function unset(name: string): Place {
  return { name, identities: [], note: 'not set' };
}

/**
 * The identities in a keys text: one a line, `#` comments and blank lines skipped; SOPS_AGE_KEY may
 * hold several a line. A line that is no identity makes the whole place unusable, as in sops, and is
 * named by its number only: it may be a private key with a typo.
 */
async function parsePlace(name: string, text: string, severalPerLine: boolean): Promise<Place> {
  const identities: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    for (const word of severalPerLine ? line.trim().split(/\s+/) : [line]) {
      const problem = await identityProblem(word);
      if (problem) return { name, identities: [], note: `line ${i + 1} ${problem}` };
      identities.push(word);
    }
  }
  return { name, identities, note: plural(identities.length, 'identity', 'identities') };
}

function keysFileNote(refused: FileRefused, named: boolean): string {
  switch (refused.kind) {
    case 'missing':
      return named ? 'no such file' : 'not found';
    case 'too-large':
      return 'too large for a keys file';
    case 'unreadable':
      return refused.reason;
    default:
      return 'not a regular file';
  }
}

async function identityProblem(word: string): Promise<string | undefined> {
  if (word.startsWith('AGE-PLUGIN-')) return 'is an age plugin identity, which hcr does not support (sops on PATH does)';
  if (!word.startsWith('AGE-SECRET-KEY-1') && !word.startsWith('AGE-SECRET-KEY-PQ-1')) {
    return 'is not an age identity (AGE-SECRET-KEY-1…)';
  }
  return identityToRecipient(word).then(
    () => undefined,
    () => 'is not a valid age identity',
  );
}

/** os.UserConfigDir as sops uses it (on macOS, XDG_CONFIG_HOME first), from the command's environment. */
function userConfigDir(env: Env): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  switch (process.platform) {
    case 'win32':
      return env.APPDATA || undefined;
    case 'darwin':
      return xdg || (env.HOME ? join(env.HOME, 'Library', 'Application Support') : undefined);
    default:
      if (xdg) return isAbsolute(xdg) ? xdg : undefined;
      return env.HOME ? join(env.HOME, '.config') : undefined;
  }
}
