// What an import did with its input, by reason: rows the format does not
// allow are counted and named with their first examples (file:line), never
// guessed into data; rows that are well-formed but carry nothing the console
// uses, or that a book could not take, are counted apart as "skipped".

/** How many examples are kept per reason. */
export const EXAMPLES_PER_REASON = 3;

/** One refused or skipped row, as the summary shows it. */
export interface ImportExample {
  readonly file: string;
  readonly line: number;
  readonly detail: string;
}

/** Counts and first examples of one reason. */
export interface ImportReasonCount {
  readonly reason: string;
  readonly count: number;
  readonly examples: readonly ImportExample[];
}

/** Per-reason counters with the first examples of each. */
export class ReasonTally {
  private readonly counts = new Map<string, { count: number; examples: ImportExample[] }>();

  add(reason: string, file: string, line: number, detail: string): void {
    let entry = this.counts.get(reason);
    if (!entry) this.counts.set(reason, (entry = { count: 0, examples: [] }));
    entry.count++;
    if (entry.examples.length < EXAMPLES_PER_REASON) entry.examples.push({ file, line, detail: clip(detail) });
  }

  /** Adds `n` occurrences with one example (rows dropped together, such as the rest of a refused message). */
  addMany(reason: string, n: number, file: string, line: number, detail: string): void {
    if (n <= 0) return;
    this.add(reason, file, line, detail);
    this.counts.get(reason)!.count += n - 1;
  }

  get total(): number {
    let sum = 0;
    for (const entry of this.counts.values()) sum += entry.count;
    return sum;
  }

  count(reason: string): number {
    return this.counts.get(reason)?.count ?? 0;
  }

  /** Every reason, most frequent first. */
  list(): ImportReasonCount[] {
    return [...this.counts.entries()]
      .map(([reason, { count, examples }]) => ({ reason, count, examples: [...examples] }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

/** Shortens a quoted row for an example; bytes that are not printable text (a binary file) show as `?`. */
function clip(text: string, max = 160): string {
  const short = text.length > max ? `${text.slice(0, max)}...` : text;
  return short.replace(/[^\x20-\x7e]/g, '?');
}
