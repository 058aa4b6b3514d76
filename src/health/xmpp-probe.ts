import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

/*
 * Is the XMPP server accepting clients? Opens a c2s stream (RFC 6120 §4.2) and waits for
 * the server's <stream:features/> (§4.3.2): proof that the server process answers for the
 * domain, not only that something holds the port. No credentials are sent, so a direct-TLS
 * (xmpps://) probe does not need to verify the certificate.
 */

/** Resolves when the server at `service` (xmpp:// or xmpps://host:port) offers its stream features. @throws otherwise. */
export async function probeXmppServer(service: string, domain: string, timeoutMs: number): Promise<void> {
  const url = new URL(service);
  const secure = url.protocol === "xmpps:";
  const port = Number(url.port || (secure ? 5223 : 5222));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const socket: Socket = secure
    ? connectTls({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, rejectUnauthorized: false })
    : connectTcp({ host, port });
  try {
    await new Promise<void>((resolve, reject) => {
      let received = "";
      const timer = setTimeout(() => reject(new Error(`no stream features within ${timeoutMs} ms`)), timeoutMs);
      const done = (error?: Error) => (clearTimeout(timer), error ? reject(error) : resolve());
      socket.once(secure ? "secureConnect" : "connect", () => {
        socket.write(`<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
      });
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("utf8");
        if (/<(stream:)?features[\s>/]/.test(received)) done();
        else if (/<(stream:)?error[\s>]/.test(received)) done(new Error("the server answered with a stream error"));
      });
      socket.once("error", done);
      socket.once("close", () => done(new Error("the server closed the connection")));
    });
  } finally {
    socket.destroy();
  }
}
