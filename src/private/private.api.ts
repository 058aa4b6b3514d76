import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { orApiError } from "../errors/map-error.js";
import { PRIVATE_ERRORS, invalidElementName, missingNamespace, reservedNamespace } from "./private.errors.js";
import {
  buildPrivateGet, buildPrivateSet, emptyPrivateElement, isElementName, isReservedNamespace, namespaceOf,
  parsePrivateResult, serializeXml,
} from "./private.stanzas.js";

/**
 * The caller's private XML stored under `element` and `ns` (XEP-0049), serialised like
 * MongooseIM's (single-quoted attributes). When nothing is stored the empty element
 * `<element xmlns='ns'/>` comes back, as both XEP-0049 servers and MongooseIM answer.
 * @throws ApiError `invalid_input` for a name that is not an XML name or a reserved
 *         namespace, `deps_not_loaded` when the server has no private storage.
 */
export async function getPrivate(session: XmppSession, element: string, ns: string): Promise<string> {
  if (!isElementName(element)) throw invalidElementName(element);
  if (isReservedNamespace(ns)) throw reservedNamespace(ns, "nameSpace");
  let reply;
  reply = await orApiError(session.iq(buildPrivateGet(element, ns)), PRIVATE_ERRORS.get, { user: session.bareJid, element, subElement: ns });
  return serializeXml(parsePrivateResult(reply, ns) ?? emptyPrivateElement(element, ns));
}

/**
 * Stores one element in the caller's private storage, replacing what was kept under its
 * namespace, and echoes it (MongooseIM's answer) serialised with single-quoted attributes.
 * @throws ApiError `invalid_input` for an element without its own namespace or with a
 *         reserved one, `deps_not_loaded` when the server has no private storage.
 */
export async function setPrivate(session: XmppSession, element: Element): Promise<string> {
  const ns = namespaceOf(element);
  if (ns === undefined) throw missingNamespace();
  if (isReservedNamespace(ns)) throw reservedNamespace(ns, "elementString");
  const serialized = serializeXml(element);
  await orApiError(session.iq(buildPrivateSet(element)), PRIVATE_ERRORS.set, { user: session.bareJid, element: serialized });
  return serialized;
}
