/** The four files of a config folder, by role. */
export const CONFIG_FILES = {
  exchanges: 'exchanges.yaml',
  instruments: 'instruments.yaml',
  alerts: 'alerts.yaml',
  features: 'features.yaml',
} as const;

/** Role of a config file: `alerts` for alerts.yaml, and so on. */
export type ConfigFileName = keyof typeof CONFIG_FILES;

/** Roles in the order files are read and problems reported. */
export const CONFIG_FILE_NAMES = Object.keys(CONFIG_FILES) as ConfigFileName[];

/** Key path inside a YAML document: map keys and sequence indexes. */
export type ConfigPath = readonly (string | number)[];

/**
 * One problem in one file, located by key path. The engine turns the path
 * into a line number; the shared side has no YAML source to do that.
 */
export interface ConfigIssue {
  readonly file: ConfigFileName;
  readonly path: ConfigPath;
  readonly message: string;
}

/** `thresholds.BTC-USDT-PERP.spread_warning.zscore`, `depth_bands_bps[2]`; `(top level)` for the root. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
