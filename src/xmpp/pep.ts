import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { StanzaError } from "./errors.js";

/*
 * Personal Eventing Protocol (XEP-0163, https://xmpp.org/extensions/xep-0163.html) items
 * that only the user reads: what XEP-0402 (bookmarks) and XEP-0490 (read positions) store.
 */

export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";

/**
 * Publishes `payload` as item `id` of the user's own node `node`, with the publish
 * options (XEP-0060 §7.1.5) that such nodes ask for: items kept, as many as published,
 * none sent on subscription, readable by the owner only.
 */
export function buildOwnerOnlyPublish(node: string, id: string, payload: Element, options: "all" | "basic" = "all"): Element {
  const field = (name: string, value: string) => xml("field", { var: name }, xml("value", {}, value));
  const more = options === "all"
    ? [field("pubsub#max_items", "max"), field("pubsub#send_last_published_item", "never")]
    : [];
  return xml(
    "iq",
    { type: "set" },
    xml(
      "pubsub",
      { xmlns: NS_PUBSUB },
      xml("publish", { node }, xml("item", { id }, payload)),
      xml(
        "publish-options",
        {},
        xml(
          "x",
          { xmlns: "jabber:x:data", type: "submit" },
          field("FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options"),
          field("pubsub#persist_items", "true"),
          ...more,
          field("pubsub#access_model", "whitelist"),
        ),
      ),
    ),
  );
}

/** A request for all items of the user's own node `node`. */
export function buildOwnItemsGet(node: string): Element {
  return xml("iq", { type: "get" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node })));
}

/** An owner's node configuration (XEP-0060 §8.2.4) setting only the fields given. */
export function buildNodeConfigure(node: string, fields: Readonly<Record<string, string>>): Element {
  const field = (name: string, value: string) => xml("field", { var: name }, xml("value", {}, value));
  return xml(
    "iq",
    { type: "set" },
    xml(
      "pubsub",
      { xmlns: `${NS_PUBSUB}#owner` },
      xml(
        "configure",
        { node },
        xml(
          "x",
          { xmlns: "jabber:x:data", type: "submit" },
          field("FORM_TYPE", "http://jabber.org/protocol/pubsub#node_config"),
          ...Object.entries(fields).map(([name, value]) => field(name, value)),
        ),
      ),
    ),
  );
}

/**
 * Publishes `payload` as item `id` of the user's own node `node`, owner only and keeping
 * every item. A server that refuses some publish options (ejabberd 23.01 knows neither
 * `max_items` nor `send_last_published_item` there, and its PEP nodes keep one item by
 * default) gets the basic ones, and the node is configured to keep as many items as it
 * may; the session remembers which way works.
 * @throws StanzaError and the session's errors.
 */
export async function publishOwnerOnly(session: XmppSession, node: string, id: string, payload: Element): Promise<void> {
  const basic = session.memo.own("pep:basic-publish-options", () => ({ needed: false }));
  if (!basic.needed) {
    try {
      await session.iq(buildOwnerOnlyPublish(node, id, payload));
      return;
    } catch (error) {
      if (!(error instanceof StanzaError) || !["resource-constraint", "not-acceptable", "bad-request"].includes(error.condition)) throw error;
      basic.needed = true;
    }
  }
  // Configure first when the node exists, so that publishing cannot evict another item.
  const configure = () => session.iq(buildNodeConfigure(node, { "pubsub#max_items": "max" }));
  const configured = await configure().then(() => true, (error: unknown) => {
    if (error instanceof StanzaError && error.condition === "item-not-found") return false;
    throw error;
  });
  await session.iq(buildOwnerOnlyPublish(node, id, payload, "basic"));
  if (!configured) await configure();
}
