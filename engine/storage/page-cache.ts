/**
 * Pages by page number: the shared page cache's index of committed pages, and a write
 * transaction's dirty set. A Map keeps the insertion (CLOCK) order for eviction (core.ts); a
 * dense array indexed by page number answers lookups, which are on every hot path (a Map lookup
 * costs several times an array load).
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

  has(pgno: number): boolean {
    return pgno < this.slots.length && this.slots[pgno] !== undefined;
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

  /** Empties the table but keeps the slot array's length (for a table that is reused). */
  clearKeepSlots(): void {
    const slots = this.slots;
    for (const pgno of this.map.keys()) slots[pgno] = undefined;
    this.map.clear();
  }

  [Symbol.iterator](): IterableIterator<[number, Page]> {
    return this.map.entries();
  }

  /** Entries in CLOCK order; the loop may touch() or delete() the current entry. */
  entries(): IterableIterator<[number, Page]> {
    return this.map.entries();
  }
}
