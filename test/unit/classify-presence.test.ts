import { describe, expect, it } from "vitest";
import { classifyPresence, RoomOccupants, type PresenceState } from "../../src/events/classify-presence.js";
import { classifyPush } from "../../src/events/classify-push.js";
import { PresenceBook } from "../../src/presence/presence-book.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const AT = new Date("2026-12-06T12:00:00Z");
const ALICE = "alice@localhost";
const fresh = (): PresenceState => ({ ownBareJid: ALICE, book: new PresenceBook(), occupants: new RoomOccupants() });
const presence = (xml: string, state: PresenceState) => classifyPresence(parseXmlElement(xml), state, AT);

describe("classifyPresence", () => {
  it("subscription requests and answers, with their text", () => {
    expect(presence("<presence from='carol@localhost' type='subscribe'><status>it is Carol</status></presence>", fresh()))
      .toEqual([{ __typename: "SubscriptionRequestEvent", type: "SUBSCRIPTION_REQUEST", cursor: null, at: AT, replayed: false, from: "carol@localhost", kind: "SUBSCRIBE", message: "it is Carol" }]);
    expect(presence("<presence from='carol@localhost' type='unsubscribed'/>", fresh())).toMatchObject([{ kind: "UNSUBSCRIBED", message: null }]);
  });

  it("a contact's presence over all its resources, changes included", () => {
    const state = fresh();
    expect(presence("<presence from='bob@localhost/pc'><show>away</show></presence>", state)).toMatchObject([{ __typename: "PresenceEvent", presence: { jid: "bob@localhost", show: "AWAY" } }]);
    expect(presence("<presence from='bob@localhost/phone'/>", state)).toMatchObject([{ presence: { show: "ONLINE", resources: [{ resource: "phone" }, { resource: "pc" }] } }]);
    expect(presence("<presence from='bob@localhost/phone' type='unavailable'/>", state)).toMatchObject([{ presence: { show: "AWAY" } }]);
    expect(state.book.online().map((c) => c.jid)).toEqual(["bob@localhost"]);
  });

  it("ignores the user's own resources, errors and probes", () => {
    const state = fresh();
    expect(presence("<presence from='alice@localhost/phone'/>", state)).toEqual([]);
    expect(presence("<presence from='bob@localhost/pc' type='error'/>", state)).toEqual([]);
    expect(presence("<presence from='bob@localhost' type='probe'/>", state)).toEqual([]);
  });

  it("a room's own presence from its bare JID: never a contact's; ICON when its avatar hash changes while the user is in", () => {
    const state = fresh();
    const avatar = (hash: string) => `<presence from='tea@muc.localhost'><x xmlns='vcard-temp:x:update'><photo>${hash}</photo></x><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/></presence>`;
    expect(presence(avatar("29e2dc"), state)).toEqual([]);
    presence("<presence from='tea@muc.localhost/alice'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant'/><status code='110'/></x></presence>", state);
    expect(presence(avatar("29e2dc"), state)).toEqual([]);
    expect(presence("<presence from='tea@muc.localhost'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='w'/></presence>", state)).toEqual([]);
    const icon = { __typename: "RoomEvent", type: "ROOM", cursor: null, at: AT, replayed: false, room: "tea@muc.localhost", kind: "ICON", actor: null, nick: null, subject: null, icon: null };
    expect(presence(avatar("4a5eb7"), state)).toEqual([icon]);
    expect(presence(avatar("4a5eb7"), state)).toEqual([]);
    expect(presence(avatar(""), state)).toEqual([icon]);
    expect(state.book.online()).toEqual([]);
    // A contact without resources answering a probe is still a contact.
    expect(presence("<presence from='bob@localhost' type='unavailable'/>", state)).toMatchObject([{ __typename: "PresenceEvent" }]);
  });

  it("rooms: joins once, affiliation changes, leaves, the user's own occupant ignored, destruction", () => {
    const state = fresh();
    const occupant = (nick: string, affiliation: string, extra = "") =>
      `<presence from='tea@muc.localhost/${nick}'${extra}><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='${affiliation}' role='participant' jid='${nick}@localhost/x'/></x></presence>`;
    expect(presence(occupant("bob", "member"), state)).toMatchObject([{ __typename: "RoomEvent", kind: "JOINED", room: "tea@muc.localhost", nick: "bob", actor: "bob@localhost/x" }]);
    expect(presence(occupant("bob", "member").replace("<x", "<show>away</show><x"), state)).toEqual([]);
    expect(presence(occupant("bob", "admin"), state)).toMatchObject([{ kind: "AFFILIATION", nick: "bob" }]);
    expect(presence(occupant("bob", "admin", " type='unavailable'"), state)).toMatchObject([{ kind: "LEFT", nick: "bob" }]);
    expect(presence(occupant("bob", "admin", " type='unavailable'"), state)).toEqual([]);
    expect(presence("<presence from='tea@muc.localhost/alice'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/><status code='110'/></x></presence>", state)).toEqual([]);
    expect(presence("<presence from='tea@muc.localhost/alice' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/><destroy jid='other@muc.localhost'/></x></presence>", state))
      .toMatchObject([{ kind: "DESTROYED", room: "tea@muc.localhost" }]);
  });
});

describe("RoomOccupants: the subject a room sends on entry", () => {
  it("is due once per entry of the user's own occupant, again after leaving", () => {
    const state = fresh();
    const self = (extra = "") => `<presence from='tea@muc.localhost/alice'${extra}><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/><status code='110'/></x></presence>`;
    expect(state.occupants.takeEntrySubject("tea@muc.localhost")).toBe(false);
    presence(self(), state);
    // A later presence of the user's own occupant (a status change) is no new entry.
    presence(self().replace("<x", "<show>away</show><x"), state);
    expect(state.occupants.takeEntrySubject("tea@muc.localhost")).toBe(true);
    expect(state.occupants.takeEntrySubject("tea@muc.localhost")).toBe(false);
    presence(self(" type='unavailable'"), state);
    presence(self(), state);
    expect(state.occupants.takeEntrySubject("tea@muc.localhost")).toBe(true);
  });
});

describe("classifyPush", () => {
  const push = (xml: string) => classifyPush(parseXmlElement(xml), ALICE, AT);

  it("roster pushes from the user's own account: added, changed, removed", () => {
    expect(push("<iq type='set' id='p1'><query xmlns='jabber:iq:roster'><item jid='bob@localhost' name='Bob' subscription='both'><group>Friends</group></item></query></iq>"))
      .toMatchObject([{ __typename: "RosterEvent", removed: false, contact: { jid: "bob@localhost", name: "Bob", subscription: "BOTH", groups: ["Friends"] } }]);
    expect(push("<iq type='set' from='alice@localhost'><query xmlns='jabber:iq:roster'><item jid='bob@localhost' subscription='remove'/></query></iq>"))
      .toMatchObject([{ __typename: "RosterEvent", removed: true, contact: { jid: "bob@localhost" } }]);
    expect(push("<iq type='set' from='mallory@localhost/x'><query xmlns='jabber:iq:roster'><item jid='evil@localhost'/></query></iq>")).toEqual([]);
  });

  it("block list pushes: blocked, unblocked, everything unblocked", () => {
    expect(push("<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='spam@localhost'/></block></iq>")).toMatchObject([{ __typename: "BlockingEvent", blocked: ["spam@localhost"], unblocked: [] }]);
    expect(push("<iq type='set'><unblock xmlns='urn:xmpp:blocking'><item jid='spam@localhost'/></unblock></iq>")).toMatchObject([{ blocked: [], unblocked: ["spam@localhost"] }]);
    expect(push("<iq type='set'><unblock xmlns='urn:xmpp:blocking'/></iq>")).toMatchObject([{ blocked: [], unblocked: [] }]);
    expect(push("<iq type='get'><block xmlns='urn:xmpp:blocking'/></iq>")).toEqual([]);
  });
});
