/**
 * Thrown when configuration cannot be used. Carries every problem found,
 * not just the first, so one run of `config check` shows everything to fix.
 */
export class ConfigError extends Error {
  /** One line per problem: `config/alerts.yaml:12: thresholds.x.zscore: expected a number, got "two"`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const count = problems.length;
    super(`${count} configuration problem${count === 1 ? '' : 's'}:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Narrowing helper that also works across bundles where `instanceof` may not. */
export function isConfigError(error: unknown): error is ConfigError {
  return (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === 'ConfigError' && Array.isArray((error as ConfigError).problems))
  );
}
