import { schemaRoot } from './schema.js';
import { lowerFirst } from '../util/words.js';

/** The names the desired-state schema defines a rule for (in its `$defs`). */
export type NameKind = 'projectName' | 'envKey' | 'envVarName';

interface StringDef {
  title: string;
  description: string;
  pattern: string;
  maxLength?: number;
}

type Defs = Record<NameKind | 'envText', StringDef>;

const rules = new Map<NameKind, { def: StringDef; re: RegExp }>();

const schemaDefs = (): Defs => (schemaRoot() as unknown as { $defs: Defs }).$defs;

/**
 * Why `name` is not a valid name of this kind, or undefined when it is. The rule is the schema's
 * own, so names taken from flags or live state are held to exactly what a desired-state file is.
 */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const { def } = rule(kind);
  return valid(kind, name) ? undefined : `${shown(name)} is not a valid ${def.title}; expected ${expected(def)}`;
}

/**
 * nameProblem without repeating the name, for text where a value may stand in place of a name:
 * in `--env postgres://u:pw@host/db?ssl=on`, everything before the `=` is a secret.
 */
export function unnamedProblem(kind: NameKind, name: string): string | undefined {
  const { def } = rule(kind);
  return valid(kind, name) ? undefined : `not a valid ${def.title} (not shown: it may be a value); expected ${expected(def)}`;
}

function valid(kind: NameKind, name: string): boolean {
  const { def, re } = rule(kind);
  return name.length <= (def.maxLength ?? Infinity) && re.test(name);
}

function rule(kind: NameKind): { def: StringDef; re: RegExp } {
  let found = rules.get(kind);
  if (!found) {
    const def = schemaDefs()[kind];
    // ajv compiles schema patterns with the u flag; so must this, to agree on every name.
    found = { def, re: new RegExp(def.pattern, 'u') };
    rules.set(kind, found);
  }
  return found;
}

/** How long a name may be in a message before it is shortened. */
const SHOWN_NAME_LENGTH = 64;

/** A name as a message shows it: a name of thousands of characters (from live state, say) by its start and length. */
export function shortName(name: string): string {
  return name.length <= SHOWN_NAME_LENGTH ? name : `${name.slice(0, SHOWN_NAME_LENGTH)}… (${name.length} characters)`;
}

/** A name as messages quote it: shortened as shortName does, with the quotes around the name alone. */
function shown(name: string): string {
  return name.length <= SHOWN_NAME_LENGTH
    ? JSON.stringify(name)
    : `${JSON.stringify(name.slice(0, SHOWN_NAME_LENGTH))}… (${name.length} characters)`;
}

const expected = (def: StringDef): string => lowerFirst(def.description.replace(/\.$/, ''));

let text: { max: number; forbidden: RegExp } | undefined;

/**
 * Why `value` cannot be an environment variable's value, or undefined when it can: the schema's
 * `envText` rule (its length, and the characters its pattern `^[^…]*$` excludes), for values from
 * files, flags and the environment alike. The message never shows the value: only its length, or
 * which control character it holds and where.
 */
export function valueProblem(value: string): string | undefined {
  if (!text) {
    const def = schemaDefs().envText;
    const excluded = /^\^\[\^(.*)\]\*\$$/.exec(def.pattern)?.[1];
    if (excluded === undefined || def.maxLength === undefined) throw new Error('schema: $defs.envText must be ^[^…]*$ with a maxLength');
    text = { max: def.maxLength, forbidden: new RegExp(`[${excluded}]`, 'u') };
  }
  if (value.length > text.max) {
    return `the value is ${value.length} characters long (not shown); a value may have at most ${text.max} characters (128 KiB)`;
  }
  const control = text.forbidden.exec(value);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    const what = code.startsWith('FFF') ? 'the noncharacter' : 'the control character';
    return (
      `the value holds ${what} U+${code} at character ${control.index + 1} (not shown); a value may hold no control ` +
      'character other than tab, newline and carriage return (the engine cannot use them, and terminals act on them)'
    );
  }
  return undefined;
}
