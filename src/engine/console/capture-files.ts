import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CaptureInfo } from '../../shared/contract';
import { readLineAt } from '../capture/capture-range';
import { checkCaptureFile, isGzipFile, parseCaptureHeader } from '../capture/capture-reader';

const CAPTURE_FILE = /\.jsonl(\.gz)?$|\.jsonl\.\d{4}(\.gz)?$/;

/** Captures in these folders (not recursive) plus these known paths, newest first; missing ones left out. */
export function findCaptures(dirs: readonly string[], known: readonly string[] = []): CaptureInfo[] {
  const paths = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (CAPTURE_FILE.test(name)) paths.add(resolve(dir, name));
  }
  for (const path of known) paths.add(resolve(path));
  const out: CaptureInfo[] = [];
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (stat.isFile()) out.push({ path, bytes: stat.size, modified: stat.mtimeMs });
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
  if (!CAPTURE_FILE.test(real)) return false;
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
  if (!CAPTURE_FILE.test(path)) return `${path}: a capture's name ends in .jsonl or .jsonl.gz`;
  try {
    checkCaptureFile(path);
    const header = await readLineAt(path, isGzipFile(path), 0);
    if (header === null) return `${path}: empty file`;
    parseCaptureHeader(path, header.endsWith('\r') ? header.slice(0, -1) : header);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
