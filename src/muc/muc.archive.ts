import type { XmppSession } from "../xmpp/session.js";
import { orApiError } from "../errors/map-error.js";
import { MUC_ERRORS, mucServerNotFound, MUC_CONTEXT } from "./muc.errors.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import { readNewestBefore } from "../xmpp/archive-before.js";
import { domainOfJid } from "../xmpp/jid.js";
import { MAX_ROOM_ARCHIVE_PAGE } from "./muc.model.js";
import { isMucService } from "./muc.discovery.js";

/*
 * The room's archive (XEP-0313 addressed to the room).
 */

/**
 * The room's newest archived messages (XEP-0313 addressed to the room), oldest first,
 * optionally only before an instant (inclusive of its whole second, without losing or
 * repeating messages between pages: see {@link readNewestBefore}); `pageSize` is capped at {@link MAX_ROOM_ARCHIVE_PAGE}.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_allowed`, `internal`.
 */
export async function getRoomMessages(
  session: XmppSession, room: string, pageSize?: number | null, before?: Date | null,
): Promise<{ stanzas: StanzaRecord[]; limit: number }> {
  const context = { room };
  const limit = Math.min(pageSize ?? MAX_ROOM_ARCHIVE_PAGE, MAX_ROOM_ARCHIVE_PAGE);
  if (!(await isMucService(session, domainOfJid(room), context))) throw mucServerNotFound(domainOfJid(room), "room", room);
  const page = await orApiError(readNewestBefore(session, { to: room }, before, limit), MUC_ERRORS.roomArchive, context, MUC_CONTEXT);
  return { stanzas: page.records, limit };
}
