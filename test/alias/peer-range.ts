/**
 * Does a version satisfy an npm peer range? With the `semver` package (npm's own range logic)
 * when it is installed in the repository, else a small checker for the forms ORMs use for
 * better-sqlite3: `>=7`, `^12.0.0`, `~12.1`, `12.0.0`, `*`, and `||` of those.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

interface Semver {
  satisfies(version: string, range: string): boolean;
}

/** npm's semver, when the repository's node_modules has it. */
export function loadSemver(root: string): Semver | null {
  try {
    return createRequire(path.join(root, 'package.json'))('semver') as Semver;
  } catch {
    return null;
  }
}

type Triple = readonly [number, number, number];

function parse(v: string): { triple: Triple; parts: number } {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(v.trim());
  if (m === null) throw new RangeError(`Unsupported version "${v}" in a peer range`);
  const num = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? -1 : Number(s));
  const t = [num(m[1]), num(m[2]), num(m[3])];
  const parts = t.findIndex((n) => n < 0);
  return { triple: [t[0] as number, Math.max(0, t[1] as number), Math.max(0, t[2] as number)], parts: parts < 0 ? 3 : parts };
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function satisfiesOne(version: Triple, comparator: string): boolean {
  const c = comparator.trim();
  if (c === '' || c === '*' || c === 'x') return true;
  const op = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(c) as RegExpExecArray;
  const { triple: b, parts } = parse(op[2] as string);
  const cmp = compare(version, b);
  switch (op[1]) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    case '^': {
      if (cmp < 0) return false;
      if (b[0] > 0 || parts === 1) return version[0] === b[0];
      if (b[1] > 0 || parts === 2) return version[0] === 0 && version[1] === b[1];
      return compare(version, b) === 0;
    }
    case '~':
      return cmp >= 0 && version[0] === b[0] && (parts === 1 || version[1] === b[1]);
    default:
      // `12.0.0` exactly, or `12` / `12.1` as an x-range.
      return parts === 3 ? cmp === 0 : version[0] === b[0] && (parts === 1 || version[1] === b[1]);
  }
}

/** The small checker: release versions only (the alias is a release). */
export function satisfiesSimple(version: string, range: string): boolean {
  const v = parse(version);
  if (v.parts !== 3) throw new RangeError(`"${version}" is not a full version`);
  return range.split('||').some((alt) => alt.trim().split(/\s+/).every((c) => satisfiesOne(v.triple, c)));
}
