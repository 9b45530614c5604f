// The YAML `import` writes: one file per system, every document under its own schema modeline,
// short flow style for small maps and lists (the way desired/ is written by hand).
import { isMap, isSeq, stringify, type Document, parseDocument } from 'yaml';
import type { ImportedSystem } from '../controller/import.js';
import type { DesiredDocument } from '../reconcilers/shared/export-hook.js';
import { schemaModeline, schemaRefFor } from '../spec/schema-modeline.js';

/** Maps and lists of scalars that fit on one line are written in flow style: `{ containerPort: 80 }`. */
const FLOW_MAX = 100;

function flowSmall(doc: Document): void {
  const visit = (node: unknown): void => {
    if (!isMap(node) && !isSeq(node)) return;
    for (const item of node.items) visit(isMap(node) ? (item as { value?: unknown }).value : item);
    const scalarsOnly = node.items.every((item) => {
      const value = isMap(node) ? (item as { value?: unknown }).value : item;
      return !isMap(value) && !isSeq(value);
    });
    if (scalarsOnly && node.items.length > 0 && stringify(node.toJSON(), { collectionStyle: 'flow' }).length <= FLOW_MAX) node.flow = true;
  };
  const spec = isMap(doc.contents) ? doc.contents.get('spec', true) : undefined;
  if (isMap(spec)) for (const item of spec.items) visit(item.value);
}

export function renderDocument(d: DesiredDocument): string {
  const doc = parseDocument(stringify({ apiVersion: 'ecs-reconciler/v1', kind: d.kind, metadata: { name: d.name }, spec: d.spec }));
  flowSmall(doc);
  return doc.toString({ lineWidth: 0 });
}

/** A system's file: every document with the modeline (for the file at `filePath`), `---` between. */
export function renderSystem(system: ImportedSystem, filePath: string): string {
  const modeline = schemaModeline(schemaRefFor(filePath));
  return `${system.documents.map((d) => `${modeline}\n${renderDocument(d)}`).join('---\n')}`;
}
