import type Database from 'better-sqlite3';
import { isZSeries } from './rollup-codec';

/** Series ids are one byte in the stats BLOB. */
export const MAX_ROLLUP_SERIES = 256;

/**
 * The `rollup_series` catalogue: series name (`spread_bps`, `z_spread_bps`,
 * `depth_bid_200bps`) <-> the one-byte id its entries carry. Names are added
 * as metrics appear (a depth band configured later), never renumbered, so a
 * BLOB written by any build decodes with the catalogue of its own file.
 */
export class RollupSeriesCatalogue {
  private readonly byName = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  private readonly insert: Database.Statement | null;

  constructor(
    private readonly db: Database.Database,
    options: { readonly readonly?: boolean } = {},
  ) {
    this.insert = options.readonly
      ? null
      : db.prepare('INSERT INTO rollup_series (id, name) VALUES ((SELECT coalesce(max(id), -1) + 1 FROM rollup_series), ?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id');
    this.reload();
  }

  /** The id of a series, added to the catalogue if new; null once all 256 ids are taken. */
  idOf(name: string): number | null {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    if (!this.insert || this.byName.size >= MAX_ROLLUP_SERIES) return null;
    const id = (this.insert.get(name) as { id: number }).id;
    if (id >= MAX_ROLLUP_SERIES) {
      // Another process took the last id meanwhile: undo, as the caller counts the series as dropped.
      this.db.prepare('DELETE FROM rollup_series WHERE id = ?').run(id);
      return null;
    }
    this.remember(id, name);
    return id;
  }

  /** The id of a known series, without adding it. */
  lookup(name: string): number | undefined {
    return this.byName.get(name) ?? (this.reload(), this.byName.get(name));
  }

  /** The name of an id; undefined for an id this handle has not seen (re-read once: another process may have added it). */
  nameOf(id: number): string | undefined {
    return this.byId.get(id) ?? (this.reload(), this.byId.get(id));
  }

  /** Whether an id is a z-score series, undefined when unknown. */
  isZ(id: number): boolean | undefined {
    const name = this.nameOf(id);
    return name === undefined ? undefined : isZSeries(name);
  }

  /**
   * Forgets what this handle cached (after a rolled-back transaction the
   * ids it added may be gone).
   */
  reload(): void {
    this.byName.clear();
    this.byId.clear();
    for (const row of this.db.prepare('SELECT id, name FROM rollup_series').all() as { id: number; name: string }[]) this.remember(row.id, row.name);
  }

  private remember(id: number, name: string): void {
    this.byName.set(name, id);
    this.byId.set(id, name);
  }
}
