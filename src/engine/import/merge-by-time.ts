// Files of one import are each in time order; the capture must be too
// (non-decreasing `t`, ../shared/capture-format.md). A k-way merge of the
// files' streams keeps both without holding any file in memory: at most one
// batch per file is in memory at a time.

/** Items per merged batch. */
const OUT_BATCH = 4096;

interface Cursor<T> {
  readonly it: AsyncIterator<T[]>;
  batch: T[];
  at: number;
  done: boolean;
}

/**
 * Merges streams of time-ordered batches into one stream in time order;
 * items with equal times keep the order of their sources (then of their
 * stream). A source that is not in order is passed through as it comes: the
 * per-file readers refuse rows that go back in time before they get here.
 */
export async function* mergeByTime<T extends { readonly t: number }>(sources: readonly AsyncIterable<T[]>[]): AsyncGenerator<T[], void, undefined> {
  const cursors: Cursor<T>[] = sources.map((s) => ({ it: s[Symbol.asyncIterator](), batch: [], at: 0, done: false }));
  const refill = async (c: Cursor<T>): Promise<void> => {
    while (!c.done && c.at >= c.batch.length) {
      const next = await c.it.next();
      if (next.done) c.done = true;
      else {
        c.batch = next.value;
        c.at = 0;
      }
    }
  };
  try {
    for (const c of cursors) await refill(c);
    let out: T[] = [];
    for (;;) {
      let best: Cursor<T> | undefined;
      let second = Infinity;
      for (const c of cursors) {
        if (c.done) continue;
        const t = c.batch[c.at]!.t;
        if (best === undefined || t < best.batch[best.at]!.t) {
          if (best !== undefined) second = Math.min(second, best.batch[best.at]!.t);
          best = c;
        } else second = Math.min(second, t);
      }
      if (best === undefined) break;
      // Take the run of the earliest source up to the next source's head (ties stay with the earlier source).
      const batch = best.batch;
      let i = best.at;
      const bestIndex = cursors.indexOf(best);
      while (i < batch.length && (batch[i]!.t < second || (batch[i]!.t === second && !laterTies(cursors, bestIndex, second)))) {
        out.push(batch[i]!);
        i++;
        if (out.length >= OUT_BATCH) {
          yield out;
          out = [];
        }
      }
      if (i === best.at) {
        // Equal head times and an earlier source holds one too: take one item to make progress.
        out.push(batch[i]!);
        i++;
      }
      best.at = i;
      await refill(best);
    }
    if (out.length > 0) yield out;
  } finally {
    for (const c of cursors) if (!c.done) await c.it.return?.();
  }
}

/** True when a source before `index` has its head at `t`: that one goes first. */
function laterTies<T extends { readonly t: number }>(cursors: readonly Cursor<T>[], index: number, t: number): boolean {
  for (let k = 0; k < index; k++) {
    const c = cursors[k]!;
    if (!c.done && c.batch[c.at]!.t === t) return true;
  }
  return false;
}
