/**
 * Which file the renderer may ask the main process to open with the
 * system's default application (`openWrittenFile`): only one the engine
 * wrote for it, a market report in the history folder's `reports/` or an
 * export in its `exports/`. The renderer names the path (the answer of
 * `marketReport` / `exportHistory`), so it is untrusted: resolved, `..`
 * folded, symlinks followed (realpath) and the real file required to lie
 * inside the real folder. No electron import: unit-tested
 * (test/electron/written-files.test.ts).
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApiRequestError } from '../shared/contract';

/** The folders under the history folder whose files may be opened. */
export const WRITTEN_FILE_FOLDERS = ['reports', 'exports'] as const;

/** Longest path accepted (as `openCapture`'s). */
const MAX_PATH = 4096;

/**
 * The real path of `path` when it is a file inside `<historyDir>/reports`
 * or `<historyDir>/exports` (after following symlinks, the folders' own
 * included); throws ApiRequestError otherwise.
 *
 * @param path as the renderer sent it (untrusted: any value)
 * @param historyDir the folder of the history database, or null when the console keeps no history
 */
export function writtenFilePath(path: unknown, historyDir: string | null): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH || path.includes('\0')) {
    throw new ApiRequestError('openWrittenFile: expected the path of a written report or export');
  }
  if (historyDir === null) throw new ApiRequestError('openWrittenFile: this console keeps no history, so it wrote no report or export');
  if (!isAbsolute(path)) throw new ApiRequestError(`openWrittenFile: not an absolute path: ${path}`);
  const refused = () => new ApiRequestError(`openWrittenFile: ${path} is not a report or export this console wrote (only files in ${WRITTEN_FILE_FOLDERS.map((f) => join(historyDir, f)).join(' or ')} open)`);
  let real: string;
  try {
    real = realpathSync(resolve(path));
  } catch {
    throw new ApiRequestError(`openWrittenFile: no such file: ${path}`);
  }
  let history: string;
  try {
    history = realpathSync(historyDir);
  } catch {
    throw refused();
  }
  const inside = WRITTEN_FILE_FOLDERS.some((folder) => {
    let root: string;
    try {
      root = realpathSync(join(historyDir, folder));
    } catch {
      return false;
    }
    // The folder itself must be the history folder's own, not a symlink to somewhere else.
    return relative(history, root) === folder && within(root, real);
  });
  if (!inside) throw refused();
  if (!statSync(real).isFile()) throw refused();
  return real;
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
