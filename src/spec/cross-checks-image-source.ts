// Service containers: exactly one of `image` (a literal) and `imageFrom` (where CI writes it).
import type { SpecError } from './types.js';
import type { ValidDocOf } from './raw-types.js';
import { SPEC_ERROR_CODES as C } from './spec-errors.js';
import { docError } from './check-error.js';

export function checkImageSources(services: readonly ValidDocOf<'Service'>[]): SpecError[] {
  const out: SpecError[] = [];
  for (const doc of services) {
    doc.spec.taskDefinition.containers.forEach((c, i) => {
      const path = ['spec', 'taskDefinition', 'containers', i];
      if (c.image !== undefined && c.imageFrom !== undefined) {
        out.push(docError(doc, [...path, 'imageFrom'], C.imageSource,
          `container '${c.name}' has both image and imageFrom: keep image for a literal, or imageFrom to read it from where CI writes it`));
      } else if (c.image === undefined && c.imageFrom === undefined) {
        out.push(docError(doc, path, C.imageSource,
          `container '${c.name}' has no image: add image (e.g. nginx:1.27) or imageFrom: { ssmParameter: /releases/<name> }`));
      }
    });
  }
  return out;
}
