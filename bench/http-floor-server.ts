import { createServer } from "node:http";

/*
 * The HTTP floor: a bare node:http server in its own process that answers every POST with
 * a fixed JSON body (the gateway's real listContacts answer). What no gateway can beat on
 * this machine: one more process hop and an HTTP/1.1 exchange, without GraphQL or XMPP.
 */
const body = process.env.FLOOR_BODY ?? "{}";
const length = Buffer.byteLength(body);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => process.exit(0));
