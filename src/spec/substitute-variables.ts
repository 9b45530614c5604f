// `${NAME}` in string values (issue 16): substituted on the YAML nodes of each parsed document,
// before schema validation, so that every later error still points at the node's file:line.
// Values come from one target's values file (LoadOptions.variables) and, for an allow-listed set
// of names only, the controller's environment (LoadOptions.environment). `$${` writes a literal
// `${`. Keys are never substituted; nor are the places that hold secrets (container `secrets`,
// `valueFrom`, an environment entry marked `secret: true`): secrets stay in Secrets Manager/SSM.
import { isMap, isPair, isScalar, isSeq, parse as parseYaml, Scalar } from 'yaml';
import type { Node } from 'yaml';
import type { LoadOptions } from './load-options.js';
import type { ParsedDocument } from './parse-documents.js';
import { displayPath } from './parse-documents.js';
import type { DataPath } from './parse-documents.js';
import type { SpecError, Substitution } from './types.js';

export type { Substitution } from './types.js';
import { SPEC_ERROR_CODES as C, truncate } from './spec-errors.js';
import type { SpecErrorCode } from './spec-errors.js';
import { VARIABLE_NAME } from './values-file.js';

export interface SubstitutionResult {
  errors: SpecError[];
  substitutions: Substitution[];
  /** true when a node changed (the document's plain value must be rebuilt) */
  changed: boolean;
}

/** Keys under which a `${` is refused: what they hold is a secret's reference, never a value. */
const SECRET_KEYS = new Set(['secrets', 'valueFrom']);

/** Names and values that look like credentials: substituted, never shown or logged. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY)/i;
const AWS_ACCESS_KEY = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const HIGH_ENTROPY = /^[A-Za-z0-9+/=_-]{24,}$/;

export function looksSecret(name: string, value: string): boolean {
  if (SECRET_NAME.test(name) || AWS_ACCESS_KEY.test(value)) return true;
  // a long token of mixed case and digits (a git SHA or a semver tag is not)
  return HIGH_ENTROPY.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
}

type Lookup = { ok: true; value: string; from: Substitution['from'] } | { ok: false; message: string };

/** The value of one name from the sources of `options`, or why there is none. */
function lookupVariable(name: string, options: LoadOptions): Lookup {
  const allowed = options.environment?.names.includes(name) === true;
  const fromEnv = allowed ? options.environment?.values[name] : undefined;
  // the environment (CI's image tag) wins over the values file for the names it is allowed
  if (fromEnv !== undefined) return { ok: true, value: fromEnv, from: 'environment' };
  const fromFile = options.variables?.[name];
  if (fromFile !== undefined) return { ok: true, value: fromFile, from: 'values' };
  const file = options.valuesFile;
  const where = [
    file === undefined ? 'no values file was given (--values)' : `${file} has no ${name}`,
    allowed ? `${name} is allowed from the environment but not set there` : 'it is not an allowed environment variable (--env-variables)',
  ].join(', and ');
  const fix = file === undefined ? `pass --values <file> with ${name}: <value>` : `add ${name}: <value> to ${file}`;
  return { ok: false, message: `\${${name}} is not set: ${where}; ${fix}${allowed ? '' : `, or allow it from the environment with --env-variables ${name}`}; write $\${ for a literal \${` };
}

type Expanded = { ok: true; text: string; names: string[] } | { ok: false; message: string };

/** Expands every `${NAME}` of one string (names are checked, `$${` kept as `${`). */
function expand(text: string, resolve: (name: string) => Lookup): Expanded {
  let out = '';
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i++;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) return { ok: false, message: `"${truncate(text.slice(i), 40)}" opens \${ but never closes it: write \${NAME}, or $\${ for a literal \${` };
    const name = text.slice(i + 2, end);
    if (!VARIABLE_NAME.test(name)) {
      return { ok: false, message: `"\${${truncate(name, 40)}}" is not a variable: a name is letters, digits and underscores, starting with a letter or underscore (\${IMAGE_TAG}); write $\${ for a literal \${` };
    }
    const found = resolve(name);
    if (!found.ok) return found;
    out += found.value;
    names.push(name);
    i = end + 1;
  }
  return { ok: true, text: out, names };
}

/** A plain (unquoted) `${PORT}` standing alone takes the type its value has (8080 is a number). */
function typedValue(scalar: Scalar, original: string, text: string): unknown {
  if (scalar.type !== Scalar.PLAIN || !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(original)) return text;
  try {
    const parsed: unknown = parseYaml(text);
    return typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : text;
  } catch {
    return text;
  }
}

/** Substitutes the variables of one document, in place (its nodes keep their source ranges). */
export function substituteDocument(pd: ParsedDocument, options: LoadOptions): SubstitutionResult {
  const result: SubstitutionResult = { errors: [], substitutions: [], changed: false };
  const at = (node: Node, path: DataPath, code: SpecErrorCode, message: string): void => {
    const pos = pd.lineCounter.linePos(node.range?.[0] ?? 0);
    result.errors.push({ file: pd.file, line: pos.line, col: pos.col, code, message: `${displayPath(path)}: ${message}` });
  };
  const visitScalar = (node: Scalar, path: DataPath, inSecret: boolean): void => {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    const original = node.value;
    if (inSecret && /(^|[^$])\$\{/.test(original)) {
      at(node, path, C.variableInSecret, 'variables are not substituted where a secret goes (secrets, valueFrom, an environment entry with secret: true): put the value in Secrets Manager or SSM and reference it by ARN; values files never hold secrets');
      return;
    }
    let unset: string | undefined;
    const expanded = expand(original, (name) => {
      const found = lookupVariable(name, options);
      if (!found.ok) unset = name;
      return found;
    });
    if (!expanded.ok) {
      at(node, path, unset === undefined ? C.variableSyntax : C.variableUnset, expanded.message);
      return;
    }
    const pos = pd.lineCounter.linePos(node.range?.[0] ?? 0);
    for (const name of expanded.names) {
      const found = lookupVariable(name, options) as Extract<Lookup, { ok: true }>;
      const s: Substitution = { file: pd.file, line: pos.line, col: pos.col, path: displayPath(path), name, from: found.from };
      if (!looksSecret(name, found.value)) s.value = found.value;
      result.substitutions.push(s);
    }
    node.value = typedValue(node, original, expanded.text);
    result.changed = true;
  };
  const walk = (node: unknown, path: DataPath, inSecret: boolean): void => {
    if (isScalar(node)) visitScalar(node, path, inSecret);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i], inSecret));
    else if (isMap(node)) {
      const secretEntry = node.items.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'secret' && isScalar(p.value) && p.value.value === true);
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        walk(pair.value, [...path, key], inSecret || SECRET_KEYS.has(key) || (secretEntry && key === 'value'));
      }
    }
  };
  walk(pd.doc.contents, [], false);
  return result;
}

/** `spec.image (web.yaml:12): IMAGE_TAG = 1.4.2 (values)` lines for `validate --values`. */
export function formatSubstitutions(list: readonly Substitution[]): string[] {
  return list.map((s) => `  ${s.file}:${s.line}:${s.col} ${s.path}: \${${s.name}} = ${s.value === undefined ? '(hidden: looks like a secret)' : JSON.stringify(s.value)} (from ${s.from === 'values' ? 'the values file' : 'the environment'})`);
}
