import { describe, expect, it } from "vitest";
import { buildSchema, parse, validate } from "graphql";
import { loadTypeDefs } from "../../src/graphql/schema.js";
import { limitRules } from "../../src/server/limits.js";
import { loadConfig } from "../../src/config.js";

// The default cost limit must admit what a chat front-end naturally asks for: the largest
// pages of the conversation list and of a history, with every field of their items.
const schema = buildSchema(loadTypeDefs().join("\n"));
const defaults = loadConfig({ XMPP_SERVICE: "xmpp://127.0.0.1:5222", XMPP_DOMAIN: "localhost" }).limits.document;

const MESSAGE = "id conversation from timestamp body subject outgoing edited retracted reactions { emoji count by } stanza";
const CONVERSATION = `id kind name subject icon unreadCount lastReadId isFavorite lastActivity lastMessage { ...M }`;
const FRAGMENT = `fragment M on Message { ${MESSAGE} }`;

function rejections(query: string): string[] {
  return validate(schema, parse(query), limitRules(defaults)).map((e) => String(e.extensions.code));
}

describe("the default query cost limit", () => {
  it("admits the largest list and history pages with a full selection, fragments or not", () => {
    expect(rejections(`{ conversations { list(first: 100) { items { ${CONVERSATION} } endCursor hasMore modifiedBefore } } } ${FRAGMENT}`)).toEqual([]);
    expect(rejections(`{ conversations { messages(with: "bob@localhost", first: 100) { items { ...M } startCursor endCursor hasBefore hasAfter } } } ${FRAGMENT}`)).toEqual([]);
    expect(rejections(`{ conversations { messages(with: "bob@localhost", first: 100) { items { ${MESSAGE} } hasBefore } } }`)).toEqual([]);
  });

  it("still refuses a document that asks for far more", () => {
    const many = Array.from({ length: 20 }, (_, i) => `l${i}: list(first: 100) { items { ${CONVERSATION} } }`).join(" ");
    expect(rejections(`{ conversations { ${many} } } ${FRAGMENT}`)).toContain("query_too_costly");
  });
});
