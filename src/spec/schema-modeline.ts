// The editor hint at the top of every desired-state document. yaml-language-server reads a
// `$schema` modeline per document, from the comments right before that document's content
// (for the 2nd and later documents: after their `---`), so a multi-document file needs one line
// in every document, not one at the top of the file (checked by test/editor/yaml-language-server.test.ts).
// The one place that writes that line: desired/, the README and `import` use it.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where desired/ files find the bundle (relative to the file, the way the editor resolves it). */
export const DEFAULT_SCHEMA_REF = '../schemas/document.schema.json';

/** `# yaml-language-server: $schema=<ref>` */
export function schemaModeline(schemaRef: string = DEFAULT_SCHEMA_REF): string {
  if (/\s/.test(schemaRef)) throw new Error(`schema reference "${schemaRef}" contains white space: the modeline ends at the first space`);
  return `# yaml-language-server: $schema=${schemaRef}`;
}

/** Documents (YAML text each, without `---`) as one file, each with its own modeline. */
export function joinDocumentsWithModeline(documents: readonly string[], schemaRef: string = DEFAULT_SCHEMA_REF): string {
  const line = schemaModeline(schemaRef);
  return documents.map((d) => `${line}\n${d.replace(/\n*$/, '\n')}`).join('---\n');
}

/** schemas/document.schema.json of this installation (two levels above src/spec and dist/spec). */
export function documentSchemaPath(): string {
  const path = fileURLToPath(new URL('../../schemas/document.schema.json', import.meta.url));
  return existsSync(path) ? path : resolve('schemas/document.schema.json');
}

/** The schema reference for a file written at `filePath` (relative, as the editor resolves it). */
export function schemaRefFor(filePath: string): string {
  const rel = relative(dirname(resolve(filePath)), documentSchemaPath()).split('\\').join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}
