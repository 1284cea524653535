export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const COLOR: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  red: ansi(31, 39),
};

const identity = (s: string) => s;
const PLAIN: Style = { bold: identity, dim: identity, green: identity, yellow: identity, red: identity };

export function style(color: boolean): Style {
  return color ? COLOR : PLAIN;
}

/** Colour only on a TTY, never with NO_COLOR set (https://no-color.org) or --no-color. */
export function wantsColor(isTTY: boolean | undefined, env: Record<string, string | undefined>, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(isTTY);
}
