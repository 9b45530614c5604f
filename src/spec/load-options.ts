// What a caller may pass to loadDesiredState besides the directory. One place, so the CLI's
// --values, a controller target's values file and the tests all hand the loader the same shape.

/** `${NAME}` values for one target (issue 16): from a values file and the allow-listed environment. */
export type Variables = Readonly<Record<string, string>>;

export interface LoadOptions {
  /** Values for `${NAME}` in string values; absent: no substitution source but the environment allow-list. */
  readonly variables?: Variables;
}
