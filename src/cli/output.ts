export interface Out {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}
