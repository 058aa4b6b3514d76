import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { DocumentCache, documentBytes } from "../../src/server/document-cache.js";

const doc = (n: number, comments = 0) => "#c\n".repeat(comments) + `{ a${n}: checkAuth { username } }`;

describe("DocumentCache", () => {
  it("charges comment tokens, which the token limit does not count", () => {
    const plain = doc(1);
    const padded = doc(1, 10_000);
    expect(documentBytes(padded, parse(padded)) - documentBytes(plain, parse(plain))).toBeGreaterThan(10_000 * 100);
  });

  it("stays within its byte budget, evicting the least recently used", () => {
    const cache = new DocumentCache(50_000);
    const queries = Array.from({ length: 200 }, (_, i) => doc(i, 20));
    for (const query of queries) {
      cache.add(query, parse(query));
      cache.get(queries[0]!);
      expect(cache.bytes).toBeLessThanOrEqual(50_000);
    }
    expect(cache.size).toBeGreaterThan(10);
    expect(cache.size).toBeLessThan(200);
    // Kept warm by every get(); the oldest of the rest went first.
    expect(cache.get(queries[0]!)).toBeDefined();
    expect(cache.get(queries[1]!)).toBeUndefined();
    expect(cache.get(queries[199]!)).toBeDefined();
  });

  it("does not keep a document larger than the whole budget", () => {
    const cache = new DocumentCache(10_000);
    const big = doc(1, 5_000);
    cache.add(big, parse(big));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it("knows a cached document object as valid, and only that object", () => {
    const cache = new DocumentCache(100_000);
    const query = doc(1);
    const document = parse(query);
    cache.add(query, document);
    expect(cache.isValid(document)).toBe(true);
    expect(cache.isValid(parse(query))).toBe(false);
  });
});
