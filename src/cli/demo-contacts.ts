import type { SandboxUser } from "./sandbox-module.js";

/** A demo user's `Authorization` header value. */
export const basic = (user: SandboxUser) => `Basic ${Buffer.from(`${user.jid}:${user.password}`).toString("base64")}`;

/**
 * Makes every two demo users contacts of each other (a mutual presence subscription), through
 * the gateway's own API, so the web chat and `presence.contacts` have someone to show.
 * Resolves with the pairs that did not end up mutual (a warning for the dev script to print).
 */
export async function makeDemoContacts(url: string, users: readonly SandboxUser[]): Promise<string[]> {
  const call = async (user: SandboxUser, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basic(user) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
    return body.data!;
  };
  const subscription = "mutation($jid: JID!, $action: SubAction!) { roster { subscription(contact: $jid, action: $action) } }";
  const failed: string[] = [];
  for (const [i, a] of users.entries()) {
    for (const b of users.slice(i + 1)) {
      try {
        // Each request is answered after its stanza went out on that user's session; the
        // other user's answer follows it, so the server has the request when the answer comes.
        await call(a, subscription, { jid: b.jid, action: "INVITE" });
        await call(b, subscription, { jid: a.jid, action: "ACCEPT" });
        await call(b, subscription, { jid: a.jid, action: "INVITE" });
        await call(a, subscription, { jid: b.jid, action: "ACCEPT" });
        const roster = await call(a, "{ roster { listContacts { jid subscription } } }", {});
        const item = (roster.roster.listContacts as Array<{ jid: string; subscription: string }>).find((c) => c.jid === b.jid);
        if (item?.subscription !== "BOTH") failed.push(`${a.jid} ↔ ${b.jid} (${item?.subscription ?? "not in roster"})`);
      } catch (error) {
        failed.push(`${a.jid} ↔ ${b.jid} (${(error as Error).message})`);
      }
    }
  }
  return failed;
}
