import { defaultConfigDir } from '../engine/config/default-config-dir';
import { loadConfig } from '../engine/config/load-config';
import type { Config } from '../shared/config';
import { isConfigError } from '../shared/config/config-error';
import type { CliArgs, CliIo, CliOption } from './index';

/** The `--config DIR` option every command that reads the config takes. */
export const CONFIG_OPTION: CliOption = {
  type: 'string',
  valueName: 'DIR',
  description: `config folder (default: ${defaultConfigDir()})`,
};

/**
 * Loads the config named by `--config` (or the default folder). A bad config
 * prints each problem (file:line: key: message) and gives null: the command
 * exits 1 without a stack trace.
 */
export function loadConfigOption(args: CliArgs, io: CliIo): Config | null {
  const dir = typeof args.values.config === 'string' ? args.values.config : defaultConfigDir();
  try {
    return loadConfig(dir);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    for (const problem of error.problems) io.err(problem);
    return null;
  }
}
