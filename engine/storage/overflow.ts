/**
 * Cell payloads: reading a record whose payload spills to overflow pages, writing overflow
 * chains for new cells and freeing them. Chains are followed at most as many pages as the
 * payload size requires, so a cycle in a corrupt file ends in SQLITE_CORRUPT, not a hang.
 */
import type { SqlValue } from '../common/value.js';
import { corrupt } from './errors.js';
import type { BtPage } from './page.js';
import { decodeRecord } from './record.js';
import type { PageSource, PageWriter } from './source.js';

/** The whole payload of cell i, assembled from its local part and overflow chain. */
export function assemblePayload(src: PageSource, p: BtPage, i: number): Buffer {
  const n = p.nPay[i];
  const nLoc = p.nLoc[i];
  const out = Buffer.allocUnsafe(n);
  p.bufs[i].copy(out, 0, p.offs[i], p.offs[i] + nLoc);
  const per = src.geom.usable - 4;
  let pg = p.ovfl[i];
  let off = nLoc;
  let guard = Math.ceil((n - nLoc) / per);
  const max = src.pageCount();
  const seen = guard > 1 ? new Set<number>() : null;
  while (off < n) {
    if (pg < 2 || pg > max || guard-- <= 0) throw corrupt(`bad overflow chain on page ${p.pgno}`);
    if (seen) {
      if (seen.has(pg)) throw corrupt(`cycle in overflow chain on page ${p.pgno}`);
      seen.add(pg);
    }
    const b = src.raw(pg);
    const take = Math.min(per, n - off);
    b.copy(out, off, 4, 4 + take);
    off += take;
    pg = b.readUInt32BE(0);
  }
  return out;
}

/** The decoded record (table row or index key) of cell i; cached on the page when it is warm. */
export function cellRecord(src: PageSource, p: BtPage, i: number): SqlValue[] {
  const r = p.recs[i];
  if (r !== undefined) return r;
  let rec: SqlValue[];
  if (p.ovfl[i] === 0) rec = decodeRecord(p.bufs[i], p.offs[i], p.nLoc[i]);
  else rec = decodeRecord(assemblePayload(src, p, i), 0, p.nPay[i]);
  if (p.warm) p.recs[i] = rec;
  return rec;
}

/**
 * Writes the part of the payload `buf[base, base + n)` beyond the local size to a new overflow
 * chain; returns the first overflow page (0 when the payload fits locally).
 */
export function writeOverflow(w: PageWriter, buf: Buffer, base: number, n: number, nLoc: number): number {
  if (nLoc >= n) return 0;
  const per = w.geom.usable - 4;
  const count = Math.ceil((n - nLoc) / per);
  const pages = [];
  for (let k = 0; k < count; k++) pages.push(w.newRawPage());
  let off = nLoc;
  for (let k = 0; k < count; k++) {
    const b = pages[k].bytes;
    b.writeUInt32BE(k + 1 < count ? pages[k + 1].pgno : 0, 0);
    const take = Math.min(per, n - off);
    buf.copy(b, 4, base + off, base + off + take);
    if (4 + take < b.length) b.fill(0, 4 + take);
    off += take;
  }
  return pages[0].pgno;
}

/** Frees the overflow chain of cell i (if any). */
export function freeOverflow(w: PageWriter, p: BtPage, i: number): void {
  let pg = p.ovfl[i];
  if (pg === 0) return;
  const per = w.geom.usable - 4;
  let count = Math.ceil((p.nPay[i] - p.nLoc[i]) / per);
  const max = w.pageCount();
  while (count-- > 0) {
    if (pg < 2 || pg > max) throw corrupt(`bad overflow chain on page ${p.pgno}`);
    const next = w.raw(pg).readUInt32BE(0);
    w.freePage(pg);
    pg = next;
  }
}
