import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { serverComponents } from "../xmpp/disco.js";
import { isRemote, sendCheckingRoute, unreachableDomain } from "../xmpp/remote-domain.js";
import { domainOfJid } from "../xmpp/jid.js";
import { newStanzaId } from "../xmpp/messages.js";
import { isMucEntity } from "../muc/muc.stanzas.js";
import { buildChatMessage } from "../stanza/stanza.stanzas.js";
import {
  addMembers, announceMembers, createRoom, deleteRoom, sendMessageToRoom, type MucLightOptions,
} from "../muc-light/muc-light.api.js";
import { mucLightServerNotFound } from "../muc-light/muc-light.errors.js";
import { loadConversation, touchConversation, type ConversationModel } from "../conversations/conversation-list.api.js";

/*
 * `chat.startChat` (the UC AJAX API's one-call chat start): one invitee gets a chat
 * message; several get a MUC Light room (as `muc_light.createRoom` makes it) with the
 * subject, their invitations and the first message. The room's steps run in the order
 * that leaves the least behind when one fails: every invitee's server is known to be
 * reachable before anything is created, memberships are granted silently, the first
 * message is posted, and only then are the invitations sent. A failure after the room
 * exists destroys it (occupants are told by the destruction; nobody has been invited
 * yet unless the invitations themselves failed part-way).
 */

/** The most invitees one call takes. */
export const MAX_INVITEES = 50;

/** The step of a multi-step start that failed, reported in `extensions.step`. */
export type StartChatStep = "create_room" | "invite" | "send_message";

export interface StartChatRequest {
  invitees: readonly string[];
  message: string;
  subject?: string | null;
  mucDomain?: string | null;
}

/**
 * Starts a conversation: see the module comment.
 * @returns the one-to-one conversation, or the room's.
 * @throws ApiError `invalid_input` (field `invitees` or `message`); a failed step's code
 *         with `step` (and, for a room, everything already done undone).
 */
export async function startChat(session: XmppSession, request: StartChatRequest, opts: MucLightOptions = {}): Promise<ConversationModel> {
  const invitees = checkInvitees(session, request.invitees);
  if (request.message.trim() === "") throw new ApiError("invalid_input", "`message` must not be empty", { field: "message" });
  const subject = request.subject ? request.subject : null;
  if (invitees.length === 1) {
    const peer = invitees[0]!;
    await step("send_message", orApiError(sendCheckingRoute(session, buildChatMessage(peer, request.message, newStanzaId(), subject)), {}, { invitee: peer }));
    return loadConversation(session, peer);
  }
  const mucDomain = request.mucDomain ?? (await step("create_room", defaultMucDomain(session)));
  await step("invite", requireReachable(session, invitees));
  const { jid: room } = await step("create_room", createRoom(session, mucDomain, subject, subject, null, null, opts));
  try {
    await step("invite", addMembers(session, room, invitees));
    await step("send_message", sendMessageToRoom(session, room, request.message, opts));
    await step("invite", announceMembers(session, room, invitees, opts));
  } catch (error) {
    throw await undone(session, room, error);
  }
  // The list learns a room's subject from the room; this one is known already.
  return subject !== null ? touchConversation(session, room, { subject }) : loadConversation(session, room);
}

/**
 * The invitees, bare and lower-cased, checked: at least one, at most {@link MAX_INVITEES},
 * each once, the caller not among them.
 * @throws ApiError `invalid_input` with `field: "invitees"`.
 */
export function checkInvitees(session: XmppSession, given: readonly string[]): string[] {
  const invalid = (message: string) => new ApiError("invalid_input", message, { field: "invitees" });
  if (given.length === 0) throw invalid("`invitees` must name at least one user");
  if (given.length > MAX_INVITEES) throw invalid(`\`invitees\` names at most ${MAX_INVITEES} users`);
  const invitees = given.map((jid) => jid.toLowerCase());
  if (invitees.includes(session.bareJid.toLowerCase())) throw invalid("`invitees` must not include the caller");
  const twice = invitees.find((jid, i) => invitees.indexOf(jid) !== i);
  if (twice !== undefined) throw invalid(`\`invitees\` names ${twice} more than once`);
  return invitees;
}

/** The server's first MUC service (disco#items of the domain, XEP-0045 §6.1). */
async function defaultMucDomain(session: XmppSession): Promise<string> {
  const components = await orApiError(serverComponents(session));
  const service = components.find((c) => isMucEntity(c.info));
  if (!service) throw mucLightServerNotFound({ mucDomain: null });
  return service.jid;
}

/** Fails for the first invitee whose domain the server says it cannot reach (a ping, see remote-domain.ts). */
async function requireReachable(session: XmppSession, invitees: readonly string[]): Promise<void> {
  const remote = invitees.filter((jid) => isRemote(session, jid));
  const domains = [...new Set(remote.map(domainOfJid))];
  const verdicts = await Promise.all(domains.map((domain) => orApiError(unreachableDomain(session, domain))));
  const failed = verdicts.findIndex((v) => v !== null);
  if (failed >= 0) {
    const invitee = remote.find((jid) => domainOfJid(jid) === domains[failed]);
    throw toApiError(verdicts[failed], {}, { invitee });
  }
}

/** Awaits one step and adds its name to its error. */
async function step<T>(name: StartChatStep, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const failure = toApiError(error);
    throw new ApiError(failure.code, failure.message, { ...failure.context, step: name });
  }
}

/**
 * Destroys the room a failed start left (its occupants are told; it leaves the caller's
 * room record) and returns the step's error naming the room; `undone: false` says the
 * room could not be destroyed.
 */
async function undone(session: XmppSession, room: string, error: unknown): Promise<unknown> {
  let destroyed = true;
  try {
    await deleteRoom(session, room);
  } catch {
    destroyed = false;
  }
  if (!(error instanceof ApiError)) return error;
  return new ApiError(error.code, error.message, { ...error.context, room, ...(destroyed ? {} : { undone: false }) });
}
