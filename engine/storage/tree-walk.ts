/** Enumerates the B-tree pages of a tree (not overflow pages), guarding against cycles. */
import { corrupt } from './errors.js';
import { MAX_DEPTH, type PageSource } from './source.js';

export function collectTreePages(src: PageSource, root: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack: [number, number][] = [[root, 0]];
  while (stack.length) {
    const [pgno, d] = stack.pop()!;
    if (seen.has(pgno) || d > MAX_DEPTH) throw corrupt(`page ${pgno}: referenced twice in one tree`);
    seen.add(pgno);
    out.push(pgno);
    const p = src.page(pgno);
    if (!p.leaf) for (let i = 0; i <= p.n; i++) stack.push([p.children[i], d + 1]);
  }
  return out;
}
