import { createHash } from "node:crypto";
import { xml, type Element } from "@xmpp/xml";
import { NS_DISCO_INFO } from "./namespaces.js";
import { NS_MDS } from "./markers.js";

/*
 * What the gateway's session says it is and supports: its disco#info (XEP-0030 §3.1) and
 * the Entity Capabilities hash announcing it in presence (XEP-0115 §5.1). The `+notify`
 * features (XEP-0163 §4.4) ask the user's server to push the user's own PEP changes to
 * the session: read positions (XEP-0490) set by the user's other clients reach its streams.
 */

export const NS_CAPS = "http://jabber.org/protocol/caps";
const CAPS_NODE = "https://github.com/xmpp-graphql";
const IDENTITY = { category: "client", type: "bot", name: "xmpp-graphql" } as const;
const FEATURES = [NS_DISCO_INFO, "urn:xmpp:ping", `${NS_MDS}+notify`].sort();

/** The verification string of XEP-0115 §5.1 over the identity and features above (no forms). */
export function capsVer(): string {
  const input = `${IDENTITY.category}/${IDENTITY.type}//${IDENTITY.name}<${FEATURES.map((f) => `${f}<`).join("")}`;
  return createHash("sha1").update(input, "utf8").digest("base64");
}

/** The `<c/>` element an available presence carries (§4). */
export function buildCapsElement(): Element {
  return xml("c", { xmlns: NS_CAPS, hash: "sha-1", node: CAPS_NODE, ver: capsVer() });
}

/**
 * The answer to a disco#info request (§6.2): the identity and features, echoing the
 * `node` asked (`node#ver`) when there is one.
 */
export function buildOwnDiscoInfo(node: string | undefined): Element {
  return xml(
    "query",
    node ? { xmlns: NS_DISCO_INFO, node } : { xmlns: NS_DISCO_INFO },
    xml("identity", { ...IDENTITY }),
    ...FEATURES.map((f) => xml("feature", { var: f })),
  );
}
