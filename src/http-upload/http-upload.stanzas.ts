import { xml, type Element } from "@xmpp/xml";
import { NS_DATA, NS_DISCO_INFO } from "../xmpp/namespaces.js";
import { parseDiscoInfo } from "../xmpp/disco.js";

/*
 * HTTP File Upload, XEP-0363 (https://xmpp.org/extensions/xep-0363.html): the upload
 * service is found with Service Discovery (XEP-0030, §3 of XEP-0363), a slot is requested
 * with `<request/>` (§4) and answered with PUT and GET URLs (§5).
 */

/** XEP-0363 §2: the HTTP File Upload namespace (also its disco feature and FORM_TYPE). */
export const NS_HTTP_UPLOAD = "urn:xmpp:http:upload:0";

/** An upload service found by discovery. */
export interface UploadService {
  jid: string;
  /** The service's `max-file-size` (XEP-0363 §3), or null when it announces none. */
  maxFileSize: number | null;
}

/** What a slot request asks for (XEP-0363 §4). */
export interface SlotRequest {
  filename: string;
  size: number;
  contentType?: string | null;
}

/** One header the PUT must carry. */
export interface SlotHeader {
  name: string;
  value: string;
}

/** An upload slot (the GraphQL `FileUrls`). */
export interface FileUrls {
  putUrl: string;
  getUrl: string;
  headers: SlotHeader[];
}

/**
 * Reads an entity's `disco#info` result as an upload service: it must list the
 * XEP-0363 feature; `max-file-size` comes from the extended-info form (XEP-0128) whose
 * FORM_TYPE is the XEP-0363 namespace.
 * @returns the service, or null when the entity offers no HTTP File Upload.
 */
export function parseUploadService(jid: string, reply: Element): UploadService | null {
  if (!parseDiscoInfo(reply).features.has(NS_HTTP_UPLOAD)) return null;
  let maxFileSize: number | null = null;
  for (const form of reply.getChild("query", NS_DISCO_INFO)?.getChildren("x", NS_DATA) ?? []) {
    const fields = form.getChildren("field");
    const formType = fields.find((f) => f.attrs.var === "FORM_TYPE")?.getChildText("value");
    if (formType !== NS_HTTP_UPLOAD) continue;
    const max = fields.find((f) => f.attrs.var === "max-file-size")?.getChildText("value")?.trim();
    if (max !== undefined && /^\d{1,15}$/.test(max)) maxFileSize = Number(max);
  }
  return { jid, maxFileSize };
}

/** A slot request to the upload service (XEP-0363 §4); an empty content type is left out. */
export function buildSlotRequest(service: string, request: SlotRequest): Element {
  const attrs: Record<string, string> = { xmlns: NS_HTTP_UPLOAD, filename: request.filename, size: String(request.size) };
  if (request.contentType) attrs["content-type"] = request.contentType;
  return xml("iq", { type: "get", to: service }, xml("request", attrs));
}

/** XEP-0363 §5: the only headers a service may ask the client to send with the PUT. */
const ALLOWED_HEADERS = new Set(["authorization", "cookie", "expires"]);

/**
 * Reads a slot (XEP-0363 §5). As §5 requires of clients, headers other than
 * Authorization, Cookie and Expires are dropped and newlines are removed from values.
 * @returns the URLs and headers, or null when the reply holds no slot with both URLs.
 */
export function parseSlot(reply: Element): FileUrls | null {
  const slot = reply.getChild("slot", NS_HTTP_UPLOAD);
  const put = slot?.getChild("put");
  const putUrl = put?.attrs.url;
  const getUrl = slot?.getChild("get")?.attrs.url;
  if (!put || !putUrl || !getUrl) return null;
  const headers = put.getChildren("header").flatMap((header) => {
    const name = header.attrs.name;
    if (!name || !ALLOWED_HEADERS.has(name.toLowerCase())) return [];
    return [{ name, value: header.text().replace(/[\r\n]/g, "") }];
  });
  return { putUrl, getUrl, headers };
}
