import { pointer, type Path } from './path.js';
import { isRecord } from '../util/records.js';

/** What the rest of loading reads of a file: its data, in the shape the schema gives it. */
export type Content = Record<string, unknown>;

/** Where a file breaks the schema (see checkSchema). */
export interface Broken {
  /** Values that are not as the schema says (and maps holding an unknown or missing field). */
  values: Path[];
  /** Keys that are not valid names: `['projects', 'Shop_Prod']`, `['projects', 'shop', 'env', 'A B']`. */
  names: Path[];
}

/**
 * The part of a file's data that holds to the schema, when the rest does not: the checks that
 * look across files and projects (a project declared twice, defaults that contradict, a key both
 * set and removed) then still run on it, so that one run reports every problem of every file. A
 * setting is left out when it or anything in it is broken: one env entry, one glob, one key to
 * remove, a `create` block; a project whose name is invalid, or that is no map, is left out whole.
 * What is left out was reported already.
 */
export function usableContent(data: unknown, broken: Broken): Content {
  const values = broken.values.map((path) => pointer(path));
  const names = new Set(broken.names.map((path) => pointer(path)));
  const isBroken = (path: Path): boolean => {
    const at = pointer(path);
    return names.has(at) || values.some((p) => p === at || p.startsWith(`${at}/`));
  };
  const content: Content = { version: 1 };
  if (!isRecord(data)) return content;
  if (isRecord(data.defaults)) content.defaults = settings(data.defaults, ['defaults'], isBroken);
  if (isRecord(data.projects)) {
    content.projects = Object.fromEntries(
      Object.entries(data.projects).flatMap(([name, project]) =>
        isRecord(project) && !names.has(pointer(['projects', name])) ? [[name, settings(project, ['projects', name], isBroken)]] : [],
      ),
    );
  }
  return content;
}

const SETTINGS = ['tenantId', 'create', 'prune', 'protect', 'destroy'] as const;
const LISTS = ['ignore', 'remove'] as const;

/** Defaults or a project, each of its settings kept only where nothing in it is broken. */
function settings(entry: Record<string, unknown>, path: Path, isBroken: (path: Path) => boolean): Content {
  const kept: Content = {};
  for (const field of SETTINGS) {
    if (entry[field] !== undefined && !isBroken([...path, field])) kept[field] = entry[field];
  }
  for (const field of LISTS) {
    const list = entry[field];
    if (Array.isArray(list)) kept[field] = list.filter((_, i) => !isBroken([...path, field, i]));
  }
  if (isRecord(entry.env)) kept.env = Object.fromEntries(Object.entries(entry.env).filter(([key]) => !isBroken([...path, 'env', key])));
  return kept;
}
