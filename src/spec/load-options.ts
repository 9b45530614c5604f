// What a caller may pass to loadDesiredState besides the directory. One place, so the CLI's
// --values, a controller target's values file and the tests all hand the loader the same shape.

/** `${NAME}` values for one target (issue 16): from a values file and the allow-listed environment. */
export type Variables = Readonly<Record<string, string>>;

export interface LoadOptions {
  /** Values for `${NAME}` in string values; absent: no substitution source but the environment allow-list. */
  readonly variables?: Variables;
  /** where `variables` came from (`values/prod.yaml`), named in the errors about an unset variable */
  readonly valuesFile?: string;
  /**
   * The controller's environment, for the allow-listed names only (`--env-variables IMAGE_TAG`):
   * such a name set there wins over the values file (CI's image tag).
   */
  readonly environment?: EnvironmentVariables;
}

export interface EnvironmentVariables {
  readonly names: readonly string[];
  readonly values: Readonly<Record<string, string | undefined>>;
}
