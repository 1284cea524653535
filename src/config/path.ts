/** A place in a parsed document: map keys and list indexes from the top. */
export type Path = readonly (string | number)[];

/** The JSON Pointer of a path, as ajv's instancePath spells it. */
export function pointer(path: Path): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The path of an ajv instancePath within `data`: segments that index a list become numbers. */
export function parsePointer(p: string, data: unknown): (string | number)[] {
  const segments =
    p === ''
      ? []
      : p
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: (string | number)[] = [];
  let node = data;
  for (const s of segments) {
    const step = Array.isArray(node) ? Number(s) : s;
    path.push(step);
    node = valueAt(node, [step]);
  }
  return path;
}

export function valueAt(data: unknown, path: Path): unknown {
  let node = data;
  for (const s of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, s)) return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

/** How messages name a place: `projects.shop-prod.env.PORT`, `ignore[2]`, `"odd key"`. */
export function displayPath(path: Path): string {
  if (path.length === 0) return 'top level';
  return path
    .map((s, i) => {
      if (typeof s === 'number') return `[${s}]`;
      // A name thousands of characters long would bury the message: its start and length say which it is.
      if (s.length > 80) return `${i === 0 ? '' : '.'}${JSON.stringify(s.slice(0, 40))}…(${s.length} characters)`;
      const name = /^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s);
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}
