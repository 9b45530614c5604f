// The structure issue 10 set up, kept by a test: imports run one way (commands -> controller ->
// reconcilers -> {aws, spec, log}), no import cycles (type-only included), src/controller names
// no kind, and every kind's folder holds the same files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/spec/types.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** src-relative file -> src-relative files it imports (relative specifiers only). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(/(?:import|export)[^;]*?from '(\.[^']+)'/gs)].map((m) =>
      relative(SRC, normalize(join(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts')))),
    );
    graph.set(relative(SRC, file), deps);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return found;
}

const LAYER: Record<string, number> = { commands: 3, controller: 2, reconcilers: 1, aws: 0, spec: 0, log: 0 };

describe('import rules', () => {
  const graph = importGraph();

  it('has no import cycles', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('imports run one way: commands -> controller -> reconcilers -> {aws, spec, log}', () => {
    const upward: string[] = [];
    for (const [file, deps] of graph) {
      const from = LAYER[file.split('/')[0] ?? ''];
      for (const dep of deps) {
        const to = LAYER[dep.split('/')[0] ?? ''];
        if (from !== undefined && to !== undefined && to > from) upward.push(`${file} -> ${dep}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('src/controller names no kind', () => {
    const named = tsFiles(join(SRC, 'controller')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (KINDS.some((k) => new RegExp(`\\b${k}\\b`).test(line)) ? [`${relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(named).toEqual([]);
  });

  it('every kind has its folder with the same files', () => {
    const folder = (k: string): string => k.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
    for (const kind of KINDS) {
      const files = readdirSync(join(SRC, 'reconcilers', folder(kind)));
      for (const name of ['read.ts', 'normalise.ts', 'plan.ts', 'apply.ts', 'steps.ts', 'types.ts', 'reconciler.ts']) {
        expect(files, `${kind}: src/reconcilers/${folder(kind)}/${name}`).toContain(name);
      }
    }
  });
});
