/**
 * The shared page cache's index: committed pages by page number. A Map keeps the CLOCK order
 * for eviction (core.ts); a dense array indexed by page number answers lookups, which are on
 * every hot path (a Map lookup costs several times an array load).
 *
 * Invariant: slots[pgno] === map.get(pgno) for every pgno (undefined when absent).
 */
import type { Page } from './page.js';

export class PageCache {
  /** Insertion (CLOCK) order; iterate it only through `entries()`. */
  private readonly map = new Map<number, Page>();
  private slots: (Page | undefined)[] = [];

  get size(): number {
    return this.map.size;
  }

  get(pgno: number): Page | undefined {
    return pgno < this.slots.length ? this.slots[pgno] : undefined;
  }

  set(pgno: number, p: Page): void {
    const slots = this.slots;
    while (slots.length <= pgno) slots.push(undefined);
    slots[pgno] = p;
    this.map.set(pgno, p);
  }

  /** Moves an entry to the end of the CLOCK order (second chance). */
  touch(pgno: number, p: Page): void {
    this.map.delete(pgno);
    this.map.set(pgno, p);
  }

  delete(pgno: number): void {
    if (pgno < this.slots.length) this.slots[pgno] = undefined;
    this.map.delete(pgno);
  }

  clear(): void {
    this.map.clear();
    this.slots = [];
  }

  /** Entries in CLOCK order; the loop may touch() or delete() the current entry. */
  entries(): IterableIterator<[number, Page]> {
    return this.map.entries();
  }
}
