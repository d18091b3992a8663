/** Levenshtein distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The names closest to `input`, best first; names containing it count as close. */
export function closest(input: string, names: string[], limit = 3): string[] {
  return names
    .map((name) => ({
      name,
      score: name.includes(input) || input.includes(name) ? 0 : distance(input, name),
    }))
    .filter(({ score, name }) => score <= Math.max(2, Math.floor(name.length / 2)))
    .sort((x, y) => x.score - y.score || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map(({ name }) => name);
}
