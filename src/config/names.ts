import { schemaText } from './schema.js';
import { lowerFirst } from './words.js';

/** The names the desired-state schema defines a rule for (in its `$defs`). */
export type NameKind = 'projectName' | 'envKey' | 'envVarName';

interface NameDef {
  title: string;
  description: string;
  pattern: string;
}

const rules = new Map<NameKind, { def: NameDef; re: RegExp }>();

/**
 * Why `name` is not a valid name of this kind, or undefined when it is. The rule is the schema's
 * own, so names taken from flags or live state are held to exactly what a desired-state file is.
 */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const { def, re } = rule(kind);
  return re.test(name) ? undefined : `${JSON.stringify(shortName(name))} is not a valid ${def.title}; expected ${expected(def)}`;
}

/** How long a name may be in a message before it is shortened. */
const SHOWN_NAME_LENGTH = 64;

/** A name as a message shows it: a name of thousands of characters (from live state, say) by its start and length. */
export function shortName(name: string): string {
  return name.length <= SHOWN_NAME_LENGTH ? name : `${name.slice(0, SHOWN_NAME_LENGTH)}… (${name.length} characters)`;
}

/**
 * nameProblem without repeating the name, for text where a value may stand in place of a name:
 * in `--env postgres://u:pw@host/db?ssl=on`, everything before the `=` is a secret.
 */
export function unnamedProblem(kind: NameKind, name: string): string | undefined {
  const { def, re } = rule(kind);
  return re.test(name) ? undefined : `not a valid ${def.title} (not shown: it may be a value); expected ${expected(def)}`;
}

function rule(kind: NameKind): { def: NameDef; re: RegExp } {
  let found = rules.get(kind);
  if (!found) {
    const def = (JSON.parse(schemaText()) as { $defs: Record<NameKind, NameDef> }).$defs[kind];
    // ajv compiles schema patterns with the u flag; so must this, to agree on every name.
    found = { def, re: new RegExp(def.pattern, 'u') };
    rules.set(kind, found);
  }
  return found;
}

const expected = (def: NameDef): string => lowerFirst(def.description.replace(/\.$/, ''));
