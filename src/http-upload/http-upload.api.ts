import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { HTTP_UPLOAD_ERRORS, UPLOAD_SERVICE_GONE, fileTooLarge, noUploadService, unreadableSlot } from "./http-upload.errors.js";
import { buildSlotRequest, parseSlot, parseUploadService, type FileUrls, type UploadService } from "./http-upload.stanzas.js";
import { buildDiscoInfoGet, buildDiscoItemsGet, parseDiscoItems } from "../xmpp/disco.js";

/** How long "this domain has no upload service" is believed before discovering again. */
export const NO_SERVICE_TTL_MS = 60_000;

/**
 * The upload service of each domain, discovered once per gateway (XEP-0363 §3) and shared
 * by every user's requests. A found service is kept until a slot request says it has gone;
 * "none found" is kept for {@link NO_SERVICE_TTL_MS}. Concurrent lookups share one discovery.
 */
export class UploadServiceDirectory {
  private readonly entries = new Map<string, { service: Promise<UploadService | null>; expires: number }>();

  /** The upload service of the session's domain, or null when it has none. */
  lookup(session: XmppSession, now: number = Date.now()): Promise<UploadService | null> {
    const domain = session.domain;
    const entry = this.entries.get(domain);
    if (entry && entry.expires > now) return entry.service;
    const service = discover(session, domain);
    const fresh = { service, expires: Number.POSITIVE_INFINITY };
    this.entries.set(domain, fresh);
    service.then(
      (found) => {
        if (found === null && this.entries.get(domain) === fresh) fresh.expires = Date.now() + NO_SERVICE_TTL_MS;
      },
      () => {
        // A failed discovery (timeout, connection) is not an answer: ask again next time.
        if (this.entries.get(domain) === fresh) this.entries.delete(domain);
      },
    );
    return service;
  }

  /** Drops what is known about a domain, so that the next lookup discovers again. */
  forget(domain: string): void {
    this.entries.delete(domain);
  }
}

/** getUrl's arguments, as MongooseIM takes them. */
export interface UploadUrlRequest {
  filename: string;
  size: number;
  contentType?: string | null;
  /**
   * Accepted and not sent: XEP-0363 has no slot lifetime, the service picks it (Prosody:
   * the PUT URL's token is valid for 300 s, the file is kept 7 days by default).
   */
  timeout: number;
}

/**
 * Reserves an upload slot (XEP-0363 §4) on the caller's domain's upload service.
 * @returns the PUT URL with the headers it needs, and the GET URL to share.
 * @throws ApiError `deps_not_loaded` when the domain offers no upload service,
 *         `file_too_large_error` when `size` exceeds the service's `max-file-size`.
 */
export async function getUploadUrls(session: XmppSession, directory: UploadServiceDirectory, request: UploadUrlRequest): Promise<FileUrls> {
  const context = { filename: request.filename, size: request.size, contentType: request.contentType ?? null, timeout: request.timeout };
  const service: UploadService | null = await orApiError(directory.lookup(session), {}, context);
  if (service === null) throw noUploadService();
  if (service.maxFileSize !== null && request.size > service.maxFileSize) throw fileTooLarge(context);
  let reply;
  try {
    reply = await session.iq(buildSlotRequest(service.jid, request));
  } catch (error) {
    if (error instanceof StanzaError && UPLOAD_SERVICE_GONE.has(error.condition)) directory.forget(session.domain);
    throw toApiError(error, HTTP_UPLOAD_ERRORS.slot, context);
  }
  const slot = parseSlot(reply);
  if (!slot) throw unreadableSlot(context);
  return slot;
}

/**
 * XEP-0363 §3: the services the domain lists (disco#items), then the domain itself, each
 * asked for disco#info; the first that offers the feature wins. An entity that answers
 * discovery with an error simply offers nothing.
 */
async function discover(session: XmppSession, domain: string): Promise<UploadService | null> {
  const items = await askOrNothing(session.iq(buildDiscoItemsGet(domain)), (reply) => parseDiscoItems(reply).items.map((item) => item.jid), []);
  const candidates = [...items.filter((jid) => jid !== domain), domain];
  const services = await Promise.all(
    candidates.map((jid) => askOrNothing(session.iq(buildDiscoInfoGet(jid)), (reply) => parseUploadService(jid, reply), null)),
  );
  return services.find((s) => s !== null) ?? null;
}

async function askOrNothing<T>(request: Promise<Element>, parse: (reply: Element) => T, nothing: T): Promise<T> {
  try {
    return parse(await request);
  } catch (error) {
    if (error instanceof StanzaError) return nothing;
    throw error;
  }
}

