/**
 * What the compatibility matrix says beyond pass/fail: per group of operations, the XMPP
 * protocol behind them, the documented differences from MongooseIM, and the documented
 * errors a server answers. Whether each operation *works* on each server is never
 * written here: scripts/compat-matrix.ts takes that from the test run's record, and
 * refuses a note that the record contradicts (a documented error on an operation that
 * worked, a difference on an operation no test passed).
 *
 * Operations are written `namespace.operation` (`checkAuth` alone); each must name exactly
 * one operation of the SDL.
 */
import type { Server } from "./record.js";

export interface MatrixRow {
  namespace: string;
  operations: string[];
  /** The XMPP protocol the gateway speaks for these operations. */
  protocol: string;
  /** A difference from MongooseIM where the operations work: on every server, or on one. */
  difference?: { all?: string } & Partial<Record<Server, string>>;
  /** The error the operations answer on a server that cannot serve them, and why. */
  documentedError?: Partial<Record<Server, { code: string; why: string }>>;
}

export const MATRIX_ROWS: MatrixRow[] = [
  { namespace: "—", operations: ["checkAuth"], protocol: "SASL SCRAM-SHA-256 / SCRAM-SHA-1, or PLAIN over TLS (RFC 6120 §6)" },
  {
    namespace: "roster",
    operations: ["roster.listContacts", "roster.getContact"],
    protocol: "roster get, `jabber:iq:roster` (RFC 6121 §2.1.3), plus the pending incoming requests (`ask` IN/BOTH, request-only contacts) the server re-sends to a brief available presence (§3.1.3), remembered 10 s per session; `getContact` filters it",
    difference: {
      all: "a read without a live stream shows the gateway online to contacts for one round trip; a request that arrives while the gateway is unavailable shows up to 10 s late",
      prosody: "brief presence at priority −1",
      ejabberd: "brief presence at priority 0 after asking for the offline-message headers (XEP-0013, so that offline messages stay for the user's clients): a message to the bare JID in those few ms (p50 1.4–3.8 ms) goes to the gateway, not to offline storage (MAM keeps it)",
    },
  },
  {
    namespace: "roster",
    operations: ["roster.addContact", "roster.addContacts"],
    protocol: "roster set (RFC 6121 §2.1.5); a contact on another domain first gets a ping to that domain (XEP-0199), `remote_server_not_found` when the server says it cannot reach it within 2 s",
    difference: { all: "cannot refuse a JID without an account", prosody: "adding yourself answers `not_allowed` (ejabberd and MongooseIM allow it)" },
  },
  {
    namespace: "roster",
    operations: ["roster.deleteContact", "roster.deleteContacts"],
    protocol: "roster set `subscription='remove'` (RFC 6121 §2.1.6), after checking the contact is there; a contact that is only a pending request: presence `unsubscribed` (§3.2)",
  },
  {
    namespace: "roster",
    operations: ["roster.subscription"],
    protocol: "presence `subscribe`/`subscribed`/`unsubscribed`/`unsubscribe` (RFC 6121 §3), then a server ping so the next request sees it",
  },
  {
    namespace: "stanza",
    operations: ["stanza.sendMessage", "stanza.sendMessageHeadLine"],
    protocol: "`<message type='chat'>` / `type='headline'` (RFC 6121 §5); to another domain, a ping to it follows and a bounce within 2 s answers `remote_server_not_found` (later bounces are not reported)",
    difference: { all: "sender is the gateway's resource" },
  },
  {
    namespace: "stanza",
    operations: ["stanza.sendStanza"],
    protocol: "the stanza as given, `from` checked",
    difference: { all: "sender is the gateway's resource" },
  },
  {
    namespace: "stanza",
    operations: ["stanza.getLastMessages"],
    protocol: "MAM (XEP-0313) with RSM (XEP-0059); `limit` capped at 50; `before` = a page's oldest `timestamp` continues from that message (RSM `<before/>`), any other whole second is included",
  },
  {
    namespace: "stanza",
    operations: ["stanza.subscribeForMessages"],
    protocol: "incoming messages on the pooled session: available presence (priority 0 alone, −1 beside the user's other clients) + Message Carbons (XEP-0280); MAM catch-up after a fault",
    difference: { all: "beside the user's other clients it only sees carbons; alone it is the user's client (offline messages come to it)" },
  },
  {
    namespace: "account",
    operations: ["account.changePassword", "account.unregister"],
    protocol: "In-Band Registration (XEP-0077 §3.3 / §3.2 `<remove/>`); the pooled session is dropped afterwards",
  },
  { namespace: "account", operations: ["account.field"], protocol: "— (MongooseIM's placeholder query)", difference: { all: "always `null`" } },
  {
    namespace: "last",
    operations: ["last.getLast"],
    protocol: "Last Activity (XEP-0012) to the own or the given bare JID",
    difference: {
      all: "refusals reported as `no_permissions`",
      ejabberd: "the user's own record reads empty while one of the user's sessions is online",
    },
  },
  {
    namespace: "last",
    operations: ["last.setLast"],
    protocol: "unavailable presence with the status (what servers record), then XEP-0012",
    difference: { all: "`timestamp` must be now" },
  },
  {
    namespace: "private",
    operations: ["private.getPrivate", "private.setPrivate"],
    protocol: "Private XML Storage (XEP-0049)",
    difference: {
      all: "reserved namespaces refused",
      prosody: "stored per element name and namespace (MongooseIM, ejabberd: per namespace); a childless element loses its attributes",
    },
  },
  {
    namespace: "vcard",
    operations: ["vcard.getVcard"],
    protocol: "vcard-temp (XEP-0054) get, to the own or the given bare JID",
  },
  {
    namespace: "vcard",
    operations: ["vcard.setVcard"],
    protocol: "vcard-temp (XEP-0054) set, then get: answers what the server stored",
    difference: {
      all: "type flags come back in XEP-0054 order",
      ejabberd: "ejabberd keeps one value of each property except ADR, LABEL, TEL, EMAIL",
    },
  },
  {
    namespace: "muc",
    operations: ["muc.listRooms"],
    protocol: "disco#items of the MUC service (RSM when offered), room disco#info in parallel",
    difference: {
      all: "hidden rooms are never listed",
      prosody: "Prosody does not page: the gateway sorts and pages",
      ejabberd: "ejabberd ignores the RSM index: the gateway pages",
    },
  },
  {
    namespace: "muc",
    operations: ["muc.createInstantRoom"],
    protocol: "join + instant-room form (XEP-0045 §10.1.2)",
    difference: { all: "made public like MongooseIM's default; `usersNumber` is the real count" },
  },
  {
    namespace: "muc",
    operations: ["muc.getRoomConfig"],
    protocol: "owner config form + room disco#info",
    difference: {
      all: "fields the server's form lacks report the room's behaviour; a new room has the server's defaults",
      prosody: "defaults: unmoderated, owner-only subject, open invitations, no user limit",
      ejabberd: "defaults are MongooseIM's",
    },
  },
  {
    namespace: "muc",
    operations: ["muc.changeRoomConfiguration"],
    protocol: "owner form submit, then read back",
    difference: {
      all: "`config_field_not_supported` for a field the form cannot carry",
      ejabberd: "`maxUsers` above the server's limit answers `cannot_modify`",
    },
  },
  { namespace: "muc", operations: ["muc.deleteRoom"], protocol: "owner destroy (XEP-0045 §10.9)" },
  {
    namespace: "muc",
    operations: ["muc.listRoomUsers"],
    protocol: "room presence, or the moderator's role lists",
    difference: {
      all: "outsiders are refused",
      prosody: "owners and admins may read from outside the room",
      ejabberd: "only from inside the room (`not_in_room`): ejabberd gives role lists to moderators inside only",
    },
  },
  {
    namespace: "muc",
    operations: ["muc.listRoomAffiliations"],
    protocol: "admin affiliation lists (XEP-0045 §9.5, §10.5)",
    difference: { all: "owners and admins only" },
  },
  {
    namespace: "muc",
    operations: ["muc.setUserAffiliation", "muc.setUserRole", "muc.kickUser"],
    protocol: "admin item changes (XEP-0045 §9, §8.2)",
  },
  {
    namespace: "muc",
    operations: ["muc.inviteUser"],
    protocol: "mediated invitation (XEP-0045 §7.8.2)",
    difference: {
      all: "MongooseIM sends a direct invitation (XEP-0249)",
      ejabberd: "the caller must be in the room (`not_in_room`)",
    },
  },
  {
    namespace: "muc",
    operations: ["muc.sendMessageToRoom", "muc.sendPrivateMessage"],
    protocol: "groupchat / private message through the room",
    difference: { all: "the room's refusal is reported" },
  },
  {
    namespace: "muc",
    operations: ["muc.enterRoom", "muc.exitRoom"],
    protocol: "presence to the room (XEP-0045 §7.2, §7.14)",
    difference: { all: "waits for the room's answer; `resource` is not used" },
  },
  { namespace: "muc", operations: ["muc.getRoomMessages"], protocol: "MAM (XEP-0313) to the room, page capped at 50" },
  {
    namespace: "muc_light",
    operations: ["muc_light.createRoom"],
    protocol: "create a MUC room (XEP-0045 §10.1), configure it (persistent, members-only, hidden, non-anonymous), set the subject",
    difference: { all: "free-form options" },
  },
  {
    namespace: "muc_light",
    operations: ["muc_light.getRoomConfig", "muc_light.listRoomUsers"],
    protocol: "affiliation lists + room disco#info",
    difference: { all: "MUC admins show as MEMBER" },
  },
  {
    namespace: "muc_light",
    operations: ["muc_light.changeRoomConfiguration"],
    protocol: "owner config form + subject",
    difference: { all: "see MUC Light on standard MUC" },
  },
  {
    namespace: "muc_light",
    operations: ["muc_light.inviteUser"],
    protocol: "owner/member sets the `member` affiliation (XEP-0045 §10.3), enters the room, then a mediated invitation with a body (§7.8.2)",
    difference: { all: "the inviter's session stays in the room" },
  },
  {
    namespace: "muc_light",
    operations: ["muc_light.kickUser"],
    protocol: "owner removes the affiliation; a member leaving removes its own (XEP-0077 `<remove/>` in the room)",
    difference: { ejabberd: "a member cannot leave by itself (`not_allowed`): an owner must remove it" },
  },
  { namespace: "muc_light", operations: ["muc_light.deleteRoom"], protocol: "destroy (XEP-0045 §10.9), owner only" },
  {
    namespace: "muc_light",
    operations: ["muc_light.sendMessageToRoom"],
    protocol: "join, then a groupchat message",
    difference: { all: "the session stays in the room" },
  },
  { namespace: "muc_light", operations: ["muc_light.getRoomMessages"], protocol: "the room's MAM archive, page ≤ 50" },
  {
    namespace: "muc_light",
    operations: ["muc_light.listRooms"],
    protocol: "the gateway's room list in private storage (XEP-0049) + invitations in the user's MAM archive + member lists",
    difference: { all: "see MUC Light on standard MUC" },
  },
  {
    namespace: "muc_light",
    operations: ["muc_light.getBlockingList", "muc_light.setBlockingList"],
    protocol: "Blocking Command (XEP-0191): DENY blocks, ALLOW unblocks; ROOM when the JID is on a group-chat service (disco)",
    difference: { all: "blocks everything from the JID, not only MUC Light" },
  },
  {
    namespace: "httpUpload",
    operations: ["httpUpload.getUrl"],
    protocol: "HTTP File Upload (XEP-0363): service found by disco once per gateway, then a slot request",
    difference: {
      all: "`timeout` ignored",
      prosody: "a file name with `/` is refused (`xmpp_error`)",
      ejabberd: "no upload headers; `/` in a file name becomes `_`",
    },
  },
  {
    namespace: "session",
    operations: ["session.listResources", "session.countResources", "session.listSessions"],
    protocol: "disco#items on the own bare JID (servers that list sessions there) and a presence probe per resource for its priority; elsewhere (Prosody) the presence of the user's other resources, which the server sends a session at its initial presence (available at priority −1 for one ping round trip)",
    difference: {
      all: "`listSessions`: `connection`, `ip`, `port`, `node`, `uptime` are `null`",
      prosody: "only sessions that sent presence are seen; contacts see the gateway's session available for a moment",
    },
  },
  {
    namespace: "token",
    operations: ["token.requestToken", "token.revokeToken"],
    protocol: "no XMPP equivalent: sealed tokens issued by the gateway, carrying SCRAM keys; revocations in a file or Redis",
    difference: { all: "the gateway's own Bearer tokens" },
  },
  {
    namespace: "inbox",
    operations: ["inbox.flushBin"],
    protocol: "MongooseIM's inbox (`erlang-solutions.com:xmpp:inbox:0` `<empty-bin/>`) when the server advertises it",
    documentedError: {
      prosody: { code: "deps_not_loaded", why: "no inbox on Prosody" },
      ejabberd: { code: "deps_not_loaded", why: "no inbox on ejabberd" },
    },
  },
  // The chat-app extension (../shared/reference/chat-app-contract.graphql): built issue by issue.
  {
    namespace: "presence",
    operations: ["presence.contacts", "presence.own", "presence.setPresence"],
    protocol: "available presence with show/status/priority/idle (RFC 6121 §4, XEP-0319) on the pooled session, held by live streams or by setPresence until the session closes; contacts/own read the session's presence book, becoming available at priority −1 for a ping round trip plus ≤ 750 ms when nothing holds it; lastSeen from last activity (XEP-0012)",
    difference: { all: "no MongooseIM equivalent: the gateway's own resource carries the presence; contacts briefly see the user online while `contacts`/`own` read without a live stream" },
  },
  {
    namespace: "blocking",
    operations: ["blocking.list", "blocking.block", "blocking.unblock", "blocking.blockDomains", "blocking.unblockDomains"],
    protocol: "Blocking Command (XEP-0191): blocklist get, block, unblock",
  },
  {
    namespace: "chat",
    operations: ["chat.sendChatState"],
    protocol: "Chat State Notifications (XEP-0085) with a no-store hint (XEP-0334); `groupchat` when the JID is on a conference service",
  },
  {
    namespace: "chat",
    operations: ["chat.editMessage", "chat.retractMessage", "chat.react"],
    protocol: "the message looked up in the archive by id (MAM `ids` filter where `urn:xmpp:mam:2#extended` is advertised, else paging back; XEP-0313), then Last Message Correction (XEP-0308), Message Retraction (XEP-0424, fallback body) or Message Reactions (XEP-0444, store hint XEP-0334) naming its id / origin-id (its stanza-id in rooms)",
    difference: {
      all: "`id` is the archive id; correcting or retracting someone else's message answers `message_not_found`",
      ejabberd: "no MAM `ids` filter (no `urn:xmpp:mam:2#extended`): the message is looked for among the conversation's newest 500 archive entries",
    },
  },
  {
    namespace: "chat",
    operations: ["chat.startChat"],
    protocol: "one invitee: a chat message with `<subject/>` (RFC 6121 §5.2.4), checked for a route to another domain (XEP-0199 ping); several: every remote invitee's domain pinged first, then a MUC Light room (as `muc_light.createRoom`, on the server's first MUC service by default), memberships granted (XEP-0045 §10.3), the first message posted, then the mediated invitations (§7.8.2); a failed step destroys the room (§10.9) and names itself in `extensions.step`",
    difference: { all: "no MongooseIM equivalent (chat-app extension); an invitee on a reachable domain without such an account is not detected (the invitation is accepted and goes nowhere)" },
  },
  {
    namespace: "conversations",
    operations: ["conversations.messages"],
    protocol: "MAM (XEP-0313) of the user's archive (`with`) or the room's, paged with RSM archive ids (XEP-0059); corrections, retractions and reactions folded in",
    difference: { ejabberd: "a cursor the archive does not know gives an empty page (Prosody: `message_not_found`)" },
  },
  {
    namespace: "conversations",
    operations: ["conversations.list", "conversations.get"],
    protocol: "an index in the user's private storage (XEP-0049, `urn:xmpp-graphql:conversations:0`, 16 shards) folded from the user's archive and each room's archive after stored cursors (XEP-0313, RSM XEP-0059); read positions from PEP (XEP-0490), rooms from bookmarks (XEP-0402), MUC Light invitations and rooms entered through the API; names from the roster (RFC 6121) and room disco#info (XEP-0030)",
    difference: {
      all: "no MongooseIM equivalent (MongooseIM's inbox is server-side); `icon` is always null; `modifiedSince` may return a conversation twice, never miss one",
      prosody: "with the default `internal` storage every MAM query loads the user's whole archive: a list costs in proportion to the archive (`CONVERSATIONS_FRESHNESS_MS` lets lists answer from a recent refresh)",
      ejabberd: "PEP publish options `max_items` / `send_last_published_item` are refused: read positions and bookmarks are published with the basic options and the node is configured to keep every item",
    },
  },
  {
    namespace: "conversations",
    operations: ["conversations.markDisplayed", "conversations.setFavorite"],
    protocol: "the message looked up in the archive (XEP-0313); a displayed marker (XEP-0333, store hint) to the peer for a one-to-one message from the peer, and the read position published to PEP (XEP-0490, `by` = the user's bare JID, or the room's); favourites: an `<extensions/>` element of the gateway's namespace in the room's bookmark (XEP-0402, other fields kept), one-to-one chats in the index (XEP-0049)",
    difference: { all: "no MongooseIM equivalent; in rooms no displayed marker is sent (it would reach every occupant), only the XEP-0490 position" },
  },
  {
    namespace: "conversations",
    operations: ["conversations.setRoomData"],
    protocol: "subject: the room subject (XEP-0045 §8.1; MUC Light rooms as `muc_light.changeRoomConfiguration`); icon: the room's vCard PHOTO set by an owner (XEP-0486 / XEP-0054) where the room lists `vcard-temp`, else (MUC Light rooms) a `data:` URI in the room description; members are told with status 104 (a `CONFIG` room event)",
    difference: {
      all: "MUC rooms: owners and admins, through the gateway's session in the room (`not_in_room` otherwise); MUC Light rooms: owners only; `icon` is a `data:image/…;base64,` URI of at most 64 KiB",
      prosody: "Prosody 0.12's rooms take no vCard (`service-unavailable`): a MUC Light room keeps the icon in its description (read through disco#info); a MUC room's icon answers `config_field_not_supported`",
      ejabberd: "the icon is the room's vCard (XEP-0486), which any XMPP client reads; it is set by owners only (an admin's icon answers `not_allowed`), and occupants also get presence with a `vcard-temp:x:update` hash (an `ICON` room event)",
    },
  },
  {
    namespace: "events",
    operations: ["events.stream"],
    protocol: "one stream on the pooled session (available, carbons): messages, presence, roster and block list pushes, subscription requests, chat states (XEP-0085), markers (XEP-0333, XEP-0490), room presence, messages and invitations (XEP-0045, XEP-0249); replay after a cursor from MAM (XEP-0313)",
    difference: {
      all: "room messages carry no cursor and are not replayed (they live in the room's archive, not the user's); room events and group chat messages only for rooms the gateway's session is in (entered through the API; MUC Light rooms: the session enters on the invitation, and at stream start the rooms the gateway has recorded for the user)",
      prosody: "in a room that hides real JIDs, an invitation's `actor` is the inviter's occupant JID (`room/nick`), not the real JID",
    },
  },
];
