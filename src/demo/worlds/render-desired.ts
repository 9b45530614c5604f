// Copies desired files into another directory with the placeholder ids (vpc-0100..., sg-05...)
// replaced by the ids moto generated for the same things: moto cannot create an EC2 resource
// with a chosen id, so the world builders return placeholder -> real id maps instead.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { WorldIds } from './world-building-blocks.js';

/** The placeholder shape used in desired/*.yaml: prefix, 0, system digit 1-5, 13 zeros, 2 hex. */
const PLACEHOLDER = /\b(?:vpc|sg|subnet)-0[1-5]0{13}[0-9a-f]{2}\b/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with every placeholder of `ids` replaced; throws naming file:line for any left over. */
export function replacePlaceholders(text: string, ids: WorldIds, file = '<text>'): string {
  let out = text;
  for (const [placeholder, real] of Object.entries(ids)) {
    out = out.replace(new RegExp(`(?<![0-9A-Za-z-])${escapeRegExp(placeholder)}(?![0-9A-Za-z])`, 'g'), real);
  }
  const missing = out
    .split('\n')
    .flatMap((line, index) => [...line.matchAll(PLACEHOLDER)].map((match) => `${file}:${index + 1}: ${match[0]}`));
  if (missing.length > 0) {
    throw new Error(`placeholders with no real id (build the world of that system and pass its ids):\n  ${missing.join('\n  ')}`);
  }
  return out;
}

/**
 * Writes each of `files` into `outDir` (same base name) with placeholders replaced by `ids`.
 * Every `# yaml-language-server: $schema=` line (one per document) is pointed at the original schemas directory.
 * Returns the written paths, in the order given.
 */
export async function renderDesired(files: readonly string[], ids: WorldIds, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const names = new Set<string>();
  for (const file of files) {
    const name = basename(file);
    if (names.has(name)) throw new Error(`renderDesired: two files named ${name}; render them into different directories`);
    names.add(name);
    const text = await readFile(file, 'utf8');
    const rendered = replacePlaceholders(text, ids, file).replace(
      /^(# yaml-language-server: \$schema=)(\.{1,2}\/\S+)$/gm,
      (_line, prefix: string, schema: string) => `${prefix}${resolve(dirname(file), schema)}`,
    );
    const target = join(outDir, name);
    await writeFile(target, rendered);
    written.push(target);
  }
  return written;
}
