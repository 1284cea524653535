/**
 * apply's exit code for every mix of outcomes, as data written from the exit codes of README and docs/architecture.md rather
 * than from the code: 1 when anything failed or is unknown (a conflict beside them too), 3 when
 * only conflicts kept projects from being written, else 0.
 */

/** Outcomes that say a project is as the plan wants it, or was refused on purpose: never an error. */
export const DONE_OUTCOMES = ['applied', 'created', 'deleted', 'unchanged', 'refused'] as const;

/** Outcomes that say something was not written. */
export const TROUBLE_OUTCOMES = ['conflict', 'failed', 'unknown'] as const;

export type Trouble = (typeof TROUBLE_OUTCOMES)[number];

/** Every mix of troubles (none included), each with its exit code, whatever done outcomes come with it. */
export const EXIT_BY_TROUBLES: readonly { troubles: readonly Trouble[]; exit: number }[] = [
  { troubles: [], exit: 0 },
  { troubles: ['conflict'], exit: 3 },
  { troubles: ['failed'], exit: 1 },
  { troubles: ['unknown'], exit: 1 },
  { troubles: ['conflict', 'failed'], exit: 1 },
  { troubles: ['conflict', 'unknown'], exit: 1 },
  { troubles: ['failed', 'unknown'], exit: 1 },
  { troubles: ['conflict', 'failed', 'unknown'], exit: 1 },
];

/** The exit code the table gives a run with these outcomes; an outcome the table does not know is a test bug. */
export function exitFromTable(outcomes: Iterable<string>): number {
  const all = new Set(outcomes);
  const unknownToTable = [...all].filter(
    (o) => !(DONE_OUTCOMES as readonly string[]).includes(o) && !(TROUBLE_OUTCOMES as readonly string[]).includes(o),
  );
  if (unknownToTable.length > 0) throw new Error(`outcomes the exit-code table does not know: ${unknownToTable.join(', ')}`);
  const troubles = TROUBLE_OUTCOMES.filter((t) => all.has(t));
  const row = EXIT_BY_TROUBLES.find((r) => r.troubles.length === troubles.length && r.troubles.every((t) => troubles.includes(t)));
  if (!row) throw new Error(`no row of the exit-code table for ${troubles.join(', ')}`);
  return row.exit;
}
