import { UserError } from '../../errors.js';
import { escapeToken, PlainMap, type PlainNode } from './tree.js';

/**
 * The value a JSON Pointer (RFC 6901, `/app2/db/password`, `/list/0`) names in a decrypted tree.
 * Key names are not secret (sops leaves them in clear), so messages may list them; values never.
 */
export function valueAtPointer(tree: PlainMap, pointer: string, written: string): string {
  const refuse = (why: string): never => {
    throw new UserError(`${JSON.stringify(`${written}#${pointer}`)}: ${why}`);
  };
  if (pointer !== '' && !pointer.startsWith('/')) refuse('the part after # must be a JSON Pointer such as /admin_secret');
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/');
  let node: PlainNode = tree;
  let at = '';
  for (const raw of tokens) {
    if (/~[^01]|~$/.test(raw)) refuse(`${JSON.stringify(raw)} is not a valid JSON Pointer token (write ~0 for ~ and ~1 for /)`);
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node instanceof PlainMap) {
      const entry: [string, PlainNode] | undefined = node.entries.find(([k]) => k === token);
      if (!entry) refuse(`${at || 'the top level'} has no key ${JSON.stringify(token)}${keysHint(node)}`);
      node = entry![1];
    } else if (Array.isArray(node)) {
      const list: PlainNode[] = node;
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= list.length) {
        refuse(`${at} is a list of ${list.length}; ${JSON.stringify(token)} is not an index in it`);
      }
      node = list[Number(token)]!;
    } else {
      refuse(`${at} is a single value, so it has no ${JSON.stringify(token)}`);
    }
    at += `/${escapeToken(token)}`;
  }
  const what = at || 'the top level';
  if (node instanceof PlainMap) return refuse(`${what} is a map; point at one of its values${keysHint(node)}`);
  if (Array.isArray(node)) return refuse(`${what} is a list; point at one of its items (${at}/0, …)`);
  if (node === null) return refuse(`${what} is null; an environment variable needs a value`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(node);
  } catch {
    return refuse(`${what} is not UTF-8 text`);
  }
  if (text === '') refuse(`${what} is empty; write value: "" for an intentionally empty value`);
  if (text.includes('\0')) refuse(`${what} holds a NUL byte, which no environment variable can`);
  return text;
}

function keysHint(map: PlainMap): string {
  const keys = map.entries.map(([k]) => JSON.stringify(k));
  if (keys.length === 0) return ' (it is empty)';
  return ` (it has ${keys.slice(0, 10).join(', ')}${keys.length > 10 ? ', …' : ''})`;
}
