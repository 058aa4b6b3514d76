import type { Agent } from "node:http";
import { keepAliveAgent } from "./keep-alive-agent.js";
import type { SandboxUser } from "../scripts/sandbox/xmpp-sandbox.js";
import { postJson } from "./gateway-client.js";

/*
 * The third column on ejabberd: its own REST API, mod_http_api, which is what an ejabberd
 * operator would offer instead of a gateway. `POST <apiUrl>/get_roster` with Basic auth as
 * the user, over the same kind of kept-alive node:http connections as the gateway side.
 *
 * In ejabberd 23.01 get_roster names the roster's owner in its arguments (`user`, `host`)
 * and no api_permissions rule can tie them to the authenticated caller: any account the
 * rule admits may read any roster. The bench passes the caller's own name, so both sides
 * do the same work; the gateway can only ever read the caller's roster.
 */

/** One item of get_roster's answer in ejabberd 23.01. */
export interface HttpApiRosterItem {
  jid: string;
  nick: string;
  subscription: string;
  ask: string;
  group: string;
}

/** A mod_http_api answer that was not a 200 with a JSON list. */
export class HttpApiError extends Error {
  override readonly name = "HttpApiError";
}

/** ejabberd's mod_http_api as a client sees it. */
export class EjabberdHttpApi {
  private readonly agent: Agent;
  private readonly getRosterUrl: URL;
  /** Kept-alive TCP connections opened so far (a check that keep-alive works). */
  connections = 0;

  /**
   * @param apiUrl the sandbox's `apiUrl` (`http://127.0.0.1:<port>/api`).
   * @param maxSockets the same cap as the gateway side's agent.
   */
  constructor(apiUrl: string, private readonly domain: string, maxSockets = 256) {
    this.getRosterUrl = new URL(`${apiUrl.replace(/\/$/, "")}/get_roster`);
    this.agent = keepAliveAgent(maxSockets);
  }

  /**
   * The user's roster through `get_roster`, authenticated as that user (Basic
   * `user@domain:password`, `authorization` as built by `basicAuth`).
   * @param fresh opens a new TCP connection for this request (a cold client).
   * @throws HttpApiError on a non-200 answer or a body that is not a JSON array.
   */
  async getRoster(user: SandboxUser, authorization: string, fresh = false): Promise<HttpApiRosterItem[]> {
    const body = JSON.stringify({ user: user.username, host: this.domain });
    const response = await postJson(fresh ? false : this.agent, this.getRosterUrl, authorization, body);
    if (!fresh && response.newConnection) this.connections++;
    if (response.status !== 200) throw new HttpApiError(`mod_http_api get_roster: HTTP ${response.status}: ${response.text.slice(0, 300)}`);
    const parsed = JSON.parse(response.text) as unknown;
    if (!Array.isArray(parsed)) throw new HttpApiError(`mod_http_api get_roster: not a list: ${response.text.slice(0, 300)}`);
    return parsed as HttpApiRosterItem[];
  }

  close(): void {
    this.agent.destroy();
  }
}
