// Reads the Dockerfile and .dockerignore the way Docker does, closely enough for the checks in
// test/deploy: stages with their instructions (line continuations and comments handled), and
// the build-context filter (last matching pattern wins, `!` re-includes, a pattern that matches a
// directory matches everything under it, `**` spans directories).

export interface Instruction {
  /** upper-case keyword: FROM, RUN, COPY, ... */
  op: string;
  /** the rest of the line, continuations joined with a space */
  args: string;
  /** 1-based line where the instruction starts */
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  let pending = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (pending === '' && /^\s*(#|$)/.test(raw)) continue;
    if (pending !== '' && /^\s*#/.test(raw)) continue; // comment inside a continuation
    if (pending === '') start = i + 1;
    const continued = /\\\s*$/.test(raw);
    pending += (pending === '' ? '' : ' ') + raw.replace(/\\\s*$/, '').trim();
    if (continued) continue;
    const m = /^(\S+)\s*(.*)$/.exec(pending);
    pending = '';
    if (!m) continue;
    const op = (m[1] ?? '').toUpperCase();
    const args = m[2] ?? '';
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ from: f?.[1] ?? '', name: f?.[2] ?? String(stages.length), instructions: [] });
    }
    const stage = stages[stages.length - 1];
    if (stage) stage.instructions.push({ op, args, line: start });
  }
  return stages;
}

/** JSON-array form (`["a", "b"]`) of ENTRYPOINT/CMD/HEALTHCHECK CMD, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return undefined;
  return JSON.parse(trimmed) as string[];
}

export interface CopyStep {
  from?: string;
  sources: string[];
  dest: string;
  line: number;
}

export function copySteps(stage: Stage): CopyStep[] {
  return stage.instructions
    .filter((i) => i.op === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/).filter((w) => w !== '');
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      const step: CopyStep = { sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? '', line: i.line };
      if (from !== undefined) step.from = from;
      return step;
    });
}

// ---------- .dockerignore ----------

interface IgnoreRule {
  negate: boolean;
  re: RegExp;
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pattern) };
    });
}

/** Is `path` (relative to the context, `/`-separated) sent to the Docker daemon? */
export function inBuildContext(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate;
  }
  return !excluded;
}
