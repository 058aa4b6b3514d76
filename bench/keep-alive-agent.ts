import { Agent, type AgentOptions } from "node:http";
import type { TcpNetConnectOpts } from "node:net";

/**
 * A kept-alive HTTP agent with Nagle off, shared by the bench's HTTP clients: without
 * `noDelay` a small request can wait ~40 ms for the peer's delayed ACK.
 */
export function keepAliveAgent(maxSockets: number): Agent {
  // The agent hands these options to net.createConnection, which takes `noDelay`;
  // @types/node 24 leaves it out of AgentOptions, hence the wider declared type.
  const options: AgentOptions & Pick<TcpNetConnectOpts, "noDelay"> = { keepAlive: true, maxSockets, noDelay: true };
  return new Agent(options);
}
