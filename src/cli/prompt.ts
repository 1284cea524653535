import { createInterface } from 'node:readline';
import type { Context } from './context.js';

/** Asks one question on the terminal and resolves to the trimmed answer ('' at end of input). */
export async function ask(ctx: Context, question: string): Promise<string> {
  ctx.stdout.write(question);
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  try {
    for await (const line of rl) return line.trim();
    return '';
  } finally {
    rl.close();
  }
}
