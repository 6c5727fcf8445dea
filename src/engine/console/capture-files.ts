import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CaptureInfo } from '../../shared/contract';
import { capturePartOf, capturePartPaths, isCaptureFileName } from '../capture/capture-format';
import { readCaptureHeader } from '../capture/capture-reader';

/**
 * Captures in these folders (not recursive) plus these known paths, newest
 * first; missing ones left out. A rotated recording is one capture: its
 * first file, with `parts` (every file in order), `bytes` their sum and
 * `modified` the newest; a part whose first file is gone is a capture of its own.
 */
export function findCaptures(dirs: readonly string[], known: readonly string[] = []): CaptureInfo[] {
  const paths = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (isCaptureFileName(name)) paths.add(resolve(dir, name));
  }
  for (const path of known) paths.add(resolve(path));
  // A part of a recording whose first file is listed too is offered through it.
  const inRecording = new Set<string>();
  for (const path of paths) {
    const part = capturePartOf(path);
    if (part !== null && paths.has(part.first) && capturePartPaths(part.first).includes(path)) inRecording.add(path);
  }
  const out: CaptureInfo[] = [];
  for (const path of paths) {
    if (inRecording.has(path)) continue;
    try {
      if (!statSync(path).isFile()) continue;
      const parts = capturePartPaths(path);
      const stats = parts.map((file) => statSync(file));
      out.push({ path, bytes: stats.reduce((sum, s) => sum + s.size, 0), modified: Math.max(...stats.map((s) => s.mtimeMs)), parts });
    } catch {
      // Deleted or moved since it was recorded: nothing to offer.
    }
  }
  return out.sort((a, b) => b.modified - a.modified);
}

/**
 * Whether a client may open this path as a capture: a capture file inside
 * one of the folders (symlinks resolved, so `..` or a link cannot leave
 * them), or one of the known recordings. A browser client must not make the
 * engine read arbitrary files.
 */
export function captureAllowed(path: string, dirs: readonly string[], known: readonly string[] = []): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return false;
  }
  if (known.some((k) => safeReal(k) === real)) return true;
  if (!isCaptureFileName(real)) return false;
  return dirs.some((dir) => {
    const base = safeReal(dir);
    if (base === null) return false;
    const rel = relative(base, real);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  });
}

function safeReal(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * Why a path typed on a console that opens any capture (loopback, Electron)
 * is not one, or null when it is: a capture's name (`.jsonl`, `.jsonl.gz`,
 * rotated parts), a regular file, and a capture header on line 1. Checked
 * before the replay on screen is closed, so a wrong path leaves it playing.
 */
export async function captureProblem(path: string): Promise<string | null> {
  if (!isCaptureFileName(path)) return `${path}: a capture's name ends in .jsonl or .jsonl.gz`;
  try {
    await readCaptureHeader(path);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
