import { describe, expect, it } from "vitest";
import { useGateway } from "../support/use-gateway.js";

// Room occupancy created through the API belongs to the pooled session, and comes back
// after the connection to the server is lost and restored.
const gw = useGateway();

const USERS = "query($room: BareJID!) { muc { listRoomUsers(room: $room) { nick role } } }";

describe("MUC occupancy across a server restart", () => {
  it("is entered again on the user's next session after a fault", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = `restore-${Date.now()}@${gw.sandbox.mucDomain}`;
    const created = await gw.gql("mutation($room: BareJID!) { muc { createInstantRoom(room: $room, nick: \"alice\") { jid } } }", { room }, alice);
    expect(created.body.errors).toBeUndefined();
    // Persistent, so that the room itself survives the restart.
    const config = await gw.gql("mutation($room: BareJID!) { muc { changeRoomConfiguration(room: $room, config: { persistent: true }) { persistent } } }", { room }, alice);
    expect(config.body.data.muc.changeRoomConfiguration.persistent).toBe(true);
    const entered = await gw.gql("mutation($room: BareJID!) { muc { enterRoom(room: $room, nick: \"bob\", resource: \"r\") } }", { room }, bob);
    expect(entered.body.errors).toBeUndefined();
    await expect.poll(async () => (await gw.gql(USERS, { room }, alice)).body.data.muc.listRoomUsers.map((u: { nick: string }) => u.nick).sort()).toEqual(["alice", "bob"]);
    // A temporary room does not survive the restart: entering it again would create a new,
    // locked room; the gateway destroys that one instead of keeping it.
    const temporary = `temporary-${Date.now()}@${gw.sandbox.mucDomain}`;
    const made = await gw.gql("mutation($room: BareJID!) { muc { createInstantRoom(room: $room, nick: \"alice\") { jid } } }", { room: temporary }, alice);
    expect(made.body.errors).toBeUndefined();

    await gw.sandbox.kill();
    await gw.sandbox.restart();

    // The next requests log in again; the sessions go back into the room by themselves.
    await expect.poll(async () => {
      const r = await gw.gql(USERS, { room }, alice);
      return r.body.data?.muc?.listRoomUsers?.map((u: { nick: string }) => u.nick).sort();
    }, { timeout: 15_000, interval: 300 }).toEqual(expect.arrayContaining(["alice"]));
    await gw.gql("{ checkAuth { authStatus } }", undefined, bob);
    await expect.poll(async () => {
      const r = await gw.gql(USERS, { room }, alice);
      return r.body.data?.muc?.listRoomUsers?.map((u: { nick: string }) => u.nick).sort();
    }, { timeout: 15_000, interval: 300 }).toEqual(["alice", "bob"]);
    await expect.poll(async () => (await gw.gql(USERS, { room: temporary }, alice)).body.errors?.[0]?.extensions?.code, { timeout: 15_000, interval: 300 })
      .toBe("room_not_found");
  }, 60_000);

  it("is not restored after a clean close (idle timeout)", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = `clean-${Date.now()}@${gw.sandbox.mucDomain}`;
    await gw.gql("mutation($room: BareJID!) { muc { createInstantRoom(room: $room, nick: \"alice\") { jid } } }", { room }, alice);
    await gw.gql("mutation($room: BareJID!) { muc { enterRoom(room: $room, nick: \"bob\", resource: \"r\") } }", { room }, bob);
    await gw.app.pool.drop(bob!.jid);
    await gw.gql("{ checkAuth { authStatus } }", undefined, bob);
    await expect.poll(async () => (await gw.gql(USERS, { room }, alice)).body.data?.muc?.listRoomUsers?.map((u: { nick: string }) => u.nick)).toEqual(["alice"]);
  }, 30_000);
});
