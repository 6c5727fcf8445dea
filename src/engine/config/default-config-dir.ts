import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILES } from '../../shared/config/config-files';

/**
 * The repository's `config/` folder. Found by walking up from this module
 * rather than from the working directory, so commands work from any cwd,
 * and from either the source tree or a bundled build (whose depth differs).
 */
export function defaultConfigDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'config');
    if (existsSync(join(candidate, CONFIG_FILES.exchanges))) return candidate;
    if (dirname(dir) === dir) break;
  }
  // src/engine/config -> repo root; lets the "not found" message name a sensible folder.
  return resolve(here, '../../../config');
}
