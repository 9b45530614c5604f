// The one place that writes the editor's schema line above a document (README, "The
// desired-state format"). `import` puts it above every document of a multi-document file, so
// that each one is checked; change the form here only.
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** schemas/document.schema.json of this installation (two levels above src/spec and dist/spec). */
export function documentSchemaPath(): string {
  const path = fileURLToPath(new URL('../../schemas/document.schema.json', import.meta.url));
  return existsSync(path) ? path : resolve('schemas/document.schema.json');
}

/** `# yaml-language-server: $schema=<path>` for a file written at `filePath`. */
export function schemaModeline(filePath: string): string {
  const rel = relative(dirname(resolve(filePath)), documentSchemaPath()).split('\\').join('/');
  return `# yaml-language-server: $schema=${rel.startsWith('.') ? rel : `./${rel}`}`;
}
