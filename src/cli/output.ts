import type { Redactor } from '../util/redact.js';

export interface Out {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Every byte hcr prints goes through the redactor: the last line of defence for secrets. */
export function redactingOut(out: Out, redactor: Redactor): Out {
  return {
    write: (chunk: string) => out.write(redactor.apply(chunk)),
    isTTY: out.isTTY,
  };
}
