/**
 * The order in which SQLite iterates a schema's table hash (Schema.tblHash), which is what
 * PRAGMA table_list and PRAGMA foreign_key_check report in. SQLite's Hash (hash.c) keeps its
 * elements on one linked list: a new element goes in front of the first element of its bucket,
 * or at the head of the list when the bucket is empty (or there are no buckets yet); when the
 * count reaches 5 and exceeds twice the bucket count, the table is rebuilt with count*3
 * buckets (at most 64) by re-inserting the list in order. Keys hash with strHash (case-insensitive for
 * ASCII). This replays those rules over the insertion order (the schema's own table first,
 * then sqlite_schema rows in rowid order, as a schema load inserts them).
 */

function strHash(name: string): number {
  let h = 0;
  for (const byte of Buffer.from(name, 'utf8')) {
    h = (h + (byte & 0xdf)) >>> 0;
    h = Math.imul(h, 0x9e3779b1) >>> 0;
  }
  return h;
}

interface Elem {
  readonly key: string;
  readonly h: number;
}

interface Bucket {
  count: number;
  chain: Elem | null;
}

/** `names` in the order SQLite's table hash would list them after inserting them in this order. */
export function tableHashOrder(names: readonly string[]): string[] {
  let list: Elem[] = [];
  let buckets: Bucket[] | null = null;
  const link = (e: Elem): void => {
    if (buckets) {
      const b = buckets[e.h % buckets.length];
      const head = b.count ? b.chain : null;
      b.count++;
      b.chain = e;
      if (head) {
        list.splice(list.indexOf(head), 0, e);
        return;
      }
    }
    list.unshift(e);
  };
  let count = 0;
  for (const key of names) {
    const e = { key, h: strHash(key) };
    count++;
    const size: number = buckets === null ? 0 : (buckets as Bucket[]).length;
    // at most SQLITE_MALLOC_SOFT_LIMIT (1024) bytes of 16-byte buckets
    const want = Math.min(count * 3, 64);
    if (count >= 5 && count > 2 * size && want !== size) {
      const old = list;
      list = [];
      buckets = Array.from({ length: want }, () => ({ count: 0, chain: null }));
      for (const x of old) link(x);
    }
    link(e);
  }
  return list.map((e) => e.key);
}
