/**
 * Where the Electron build of better-sqlite3 is, seen from the main
 * process's own folder (out/main): out/native/electron/better_sqlite3.node,
 * built by scripts/electron-native.mjs on first start and shipped by
 * `npm run dist`. Pure (no electron import).
 */
import { join, sep } from 'node:path';

export const ELECTRON_SQLITE_ADDON = join('native', 'electron', 'better_sqlite3.node');

/**
 * @param mainDir the folder of the main bundle (`import.meta.dirname`)
 * @returns the addon's path; inside a packaged app the one in
 *   `app.asar.unpacked`, since a native addon cannot be loaded from inside
 *   the archive (electron-builder.yml unpacks it).
 */
export function electronSqliteBindingPath(mainDir: string): string {
  const path = join(mainDir, '..', ELECTRON_SQLITE_ADDON);
  const asar = `${sep}app.asar${sep}`;
  return path.includes(asar) ? path.replace(asar, `${sep}app.asar.unpacked${sep}`) : path;
}
