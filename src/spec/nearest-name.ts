// "did you mean ...?": the nearest valid name by edit distance.

/** Levenshtein distance (insert, delete, substitute; each cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let curr = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a typo:
 * a case-insensitive match, or at most a third of the longer name's letters changed.
 */
export function nearestName(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(input.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** `; did you mean 'x'?` or `; expected one of a, b, c` (or '' with no candidates). */
export function suggestionSuffix(input: string, candidates: readonly string[]): string {
  const near = nearestName(input, candidates);
  if (near !== undefined) return `; did you mean '${near}'?`;
  if (candidates.length === 0) return '';
  return `; expected one of ${candidates.join(', ')}`;
}
