/** Where a value is in its file's text, as offsets. */
export interface Place {
  value: number;
  key?: number;
  /** Where a plain scalar (`010`, `true`, `~`) ends, to quote its source back in messages; at `value` for an empty one. */
  plainEnd?: number;
}

/**
 * The places of a value and of everything inside it, by key or index (as a string, as in a JSON
 * Pointer). A tree rather than a map of pointers: a 1000-project file has some 100,000 values, and
 * building and hashing a pointer string for each took a tenth of the time to load it.
 */
export interface PlaceTree {
  place: Place;
  children?: Map<string, PlaceTree>;
}

/** Adds the tree of `segment` under `tree`; it has its parent's place until its own is recorded. */
export function child(tree: PlaceTree, segment: string | number): PlaceTree {
  const node: PlaceTree = { place: tree.place };
  (tree.children ??= new Map()).set(String(segment), node);
  return node;
}

/** Turns an offset into a 1-based line and column. */
export interface Lines {
  linePos(offset: number): { line: number; col: number };
}

/** The start of every line of a text, for `linePos`; it answers as the `yaml` package's LineCounter does. */
export class LineStarts implements Lines {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  linePos(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (this.starts[low] === offset) return { line: low + 1, col: 1 };
    return { line: low, col: offset - this.starts[low - 1]! + 1 };
  }
}
