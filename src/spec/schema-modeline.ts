// The editor hint at the top of every desired-state document. yaml-language-server reads a
// `$schema` modeline per document, from the comments right before that document's content
// (for the 2nd and later documents: after their `---`), so a multi-document file needs one line
// in every document, not one at the top of the file (checked by test/editor/yaml-language-server.test.ts).

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
