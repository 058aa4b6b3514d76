import { describe, expect, it, vi } from "vitest";
import { MessageStream, RecentKeys, mapIterator } from "../../src/stanza/message-stream.js";
import { deliveryKey } from "../../src/stanza/live-feed.js";
import { parseIncomingMessage } from "../../src/stanza/stanza.stanzas.js";
import type { StanzaRecord } from "../../src/xmpp/messages.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import { ApiError } from "../../src/errors/api-error.js";

describe("MessageStream", () => {
  it("delivers pushed values in order", async () => {
    const stream = new MessageStream<number>(10, () => {});
    stream.push(1);
    stream.push(2);
    stream.push(3);
    expect(await stream.next()).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    expect(await stream.next()).toEqual({ value: 3, done: false });
  });

  it("makes next() wait for the next push", async () => {
    const stream = new MessageStream<string>(10, () => {});
    let settled = false;
    const pending = stream.next().then((r) => ((settled = true), r));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    stream.push("a");
    expect(await pending).toEqual({ value: "a", done: false });
  });

  it("is its own async iterator", async () => {
    const stream = new MessageStream<number>(10, () => {});
    expect(stream[Symbol.asyncIterator]()).toBe(stream);
    stream.push(1);
    stream.push(2);
    const seen: number[] = [];
    for await (const value of stream) {
      seen.push(value);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("return() ends a pending next() at once and calls onEnd exactly once", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    const pending = stream.next();
    expect(await stream.return()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onEnd).toHaveBeenCalledTimes(1);
    await stream.return();
    stream.push(5);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("return() drops buffered values", async () => {
    const stream = new MessageStream<number>(10, () => {});
    stream.push(1);
    await stream.return();
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("fail() rejects only after the buffered values are consumed", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    stream.push(1);
    stream.push(2);
    const error = new Error("boom");
    stream.fail(error);
    stream.push(3);
    expect(await stream.next()).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    expect(onEnd).not.toHaveBeenCalled();
    await expect(stream.next()).rejects.toBe(error);
    expect(onEnd).toHaveBeenCalledTimes(1);
    // The failure is reported once; after it the stream is simply over.
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("fail() rejects a pending next() and ends the stream", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    const pending = stream.next();
    const error = new Error("gone");
    stream.fail(error);
    await expect(pending).rejects.toBe(error);
    expect(onEnd).toHaveBeenCalledTimes(1);
    await stream.return();
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("ignores fail() after return()", async () => {
    const stream = new MessageStream<number>(10, () => {});
    await stream.return();
    stream.fail(new Error("late"));
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it("ends a consumer that falls more than `limit` values behind with subscriber_too_slow", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(2, onEnd);
    stream.push(1);
    stream.push(2);
    stream.push(3);
    stream.push(4);
    expect(await stream.next()).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
    const error = await stream.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("subscriber_too_slow");
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("does not count values handed straight to a waiting next() against the limit", async () => {
    const stream = new MessageStream<number>(1, () => {});
    for (let i = 0; i < 5; i++) {
      const pending = stream.next();
      stream.push(i);
      expect(await pending).toEqual({ value: i, done: false });
    }
  });

  it("throw() ends the stream and rejects with the given error", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    const error = new Error("t");
    await expect(stream.throw(error)).rejects.toBe(error);
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe("mapIterator", () => {
  const noError = (error: unknown): never => {
    throw error;
  };

  it("maps each value and ends when the source ends", async () => {
    const stream = new MessageStream<number>(10, () => {});
    const mapped = mapIterator(stream, (n) => `#${n}`, noError);
    expect(mapped[Symbol.asyncIterator]()).toBe(mapped);
    stream.push(1);
    stream.push(2);
    expect(await mapped.next()).toEqual({ value: "#1", done: false });
    expect(await mapped.next()).toEqual({ value: "#2", done: false });
    await stream.return();
    expect(await mapped.next()).toEqual({ value: undefined, done: true });
  });

  it("forwards return() to the source, ending a pending next()", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    const map = vi.fn((n: number) => n * 2);
    const mapped = mapIterator(stream, map, noError);
    const pending = mapped.next();
    expect(await mapped.return!()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onEnd).toHaveBeenCalledTimes(1);
    expect(map).not.toHaveBeenCalled();
  });

  it("turns the source's failure into one last value, then ends", async () => {
    const onEnd = vi.fn();
    const stream = new MessageStream<number>(10, onEnd);
    const mapped = mapIterator(stream, (n): { n: number } | { failure: unknown } => ({ n }), (failure) => ({ failure }));
    stream.push(1);
    const error = new Error("src");
    stream.fail(error);
    expect(await mapped.next()).toEqual({ value: { n: 1 }, done: false });
    const last = await mapped.next();
    expect(last.done).toBe(false);
    expect(last.value).toEqual({ failure: error });
    expect((last.value as { failure: unknown }).failure).toBe(error);
    expect(await mapped.next()).toEqual({ value: undefined, done: true });
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it("reports subscriber_too_slow through onError", async () => {
    const stream = new MessageStream<number>(1, () => {});
    const mapped = mapIterator(stream, String, (error) => error);
    stream.push(1);
    stream.push(2);
    expect(await mapped.next()).toEqual({ value: "1", done: false });
    const last = await mapped.next();
    expect(last.value).toBeInstanceOf(ApiError);
    expect((last.value as ApiError).code).toBe("subscriber_too_slow");
    expect((await mapped.next()).done).toBe(true);
  });
});

describe("RecentKeys", () => {
  it("says whether a key is new, and forgets the oldest beyond its limit", () => {
    const keys = new RecentKeys(2);
    expect(keys.add("a")).toBe(true);
    expect(keys.add("a")).toBe(false);
    expect(keys.add("b")).toBe(true);
    expect(keys.add("c")).toBe(true);
    expect(keys.add("a")).toBe(true);
    expect(keys.add("c")).toBe(false);
  });
});

describe("deliveryKey", () => {
  const ME = "bob@localhost";
  const inner = (extra: string) =>
    `<message xmlns='jabber:client' type='chat' from='alice@localhost/phone' to='${ME}' id='m1'><body>hi</body>${extra}</message>`;
  const record = (xmlText: string): StanzaRecord => parseIncomingMessage(parseXmlElement(xmlText), ME)!;
  const carbon = (message: string) =>
    `<message from='${ME}' to='${ME}/graphql-0123456789ab' type='chat'><received xmlns='urn:xmpp:carbons:2'>` +
    `<forwarded xmlns='urn:xmpp:forward:0'>${message}</forwarded></received></message>`;
  const delay = "<delay xmlns='urn:xmpp:delay' from='localhost' stamp='2026-01-01T00:00:00Z'/>";

  it("gives a carbon copy and the same message from offline storage one key: the archive id", () => {
    const sid = `<stanza-id xmlns='urn:xmpp:sid:0' by='${ME}' id='A1'/>`;
    const copied = record(carbon(inner(sid)));
    const stored = record(inner(sid + delay));
    expect(deliveryKey(copied)).toBe(deliveryKey(stored));
    expect(deliveryKey(copied)).toContain("A1");
  });

  it("falls back on the sender and the message id without an archive id", () => {
    expect(deliveryKey(record(carbon(inner(""))))).toBe(deliveryKey(record(inner(delay))));
    const other = record(inner("").replace("alice@localhost/phone", "carol@localhost/phone"));
    expect(deliveryKey(other)).not.toBe(deliveryKey(record(inner(""))));
  });

  it("gives no key to a message nothing identifies, so it is never dropped as a copy", () => {
    expect(deliveryKey(record(inner("").replace(" id='m1'", "")))).toBeUndefined();
  });

  it("ignores an archive id stamped by anyone but the user's server", () => {
    const forged = record(inner("<stanza-id xmlns='urn:xmpp:sid:0' by='mallory@localhost' id='A1'/>"));
    expect(deliveryKey(forged)).toBe(deliveryKey(record(inner(""))));
  });
});
