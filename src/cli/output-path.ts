import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Why a file cannot be written at `path`, or null when it can: checked before
 * a long run, so a report into a missing folder fails in a second, not after
 * the whole replay. Every message names the path.
 */
export function outputPathProblem(path: string): string | null {
  const full = resolve(path);
  const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);
  try {
    if (statSync(full).isDirectory()) return `${path}: is a folder: give the name of a file to write`;
    accessSync(full, constants.W_OK);
    return null;
  } catch (error) {
    if (code(error) !== 'ENOENT') return `${path}: cannot write: ${code(error)}`;
  }
  const folder = dirname(full);
  try {
    if (!statSync(folder).isDirectory()) return `${path}: ${folder} is not a folder`;
    accessSync(folder, constants.W_OK);
    return null;
  } catch (error) {
    return code(error) === 'ENOENT' ? `${path}: the folder ${folder} does not exist` : `${path}: cannot write in ${folder}: ${code(error)}`;
  }
}
