// The invalid corpus: test/spec/invalid/<case>/ holds the YAML of one case and expected.json,
// the errors loading it must give (code, file, line, message fragment), in order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = new URL('./invalid/', import.meta.url).pathname;

export interface ExpectedError {
  code: string;
  /** relative to the case directory; '' for the directory itself */
  file: string;
  /** 0 = the whole file */
  line: number;
  message: string;
}

export function corpusCases(): { name: string; dir: string; expected: ExpectedError[] }[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const dir = join(CORPUS_DIR, e.name);
      const { errors } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { errors: ExpectedError[] };
      return { name: e.name, dir, expected: errors };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

