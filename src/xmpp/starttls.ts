import { rootCertificates } from "node:tls";
import { xml } from "@xmpp/xml";
import type { Client } from "@xmpp/client-core";
import type { StreamFeaturesApi } from "@xmpp/stream-features";
import { canUpgrade, upgrade } from "@xmpp/starttls/starttls.js";

/*
 * STARTTLS, RFC 6120 §5: https://www.rfc-editor.org/rfc/rfc6120#section-5
 * As @xmpp/starttls does it, plus extra certificate authorities to trust (a private CA, or
 * a test's self-signed certificate) on top of Node's own roots. The server's certificate is
 * always verified against the XMPP domain: there is deliberately no switch to skip that.
 */

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";

/** Registers the STARTTLS stream feature; `extraCa` is PEM text of CAs to trust as well. */
export function useStartTls(streamFeatures: StreamFeaturesApi, extraCa?: string): void {
  const ca = extraCa === undefined ? undefined : [...rootCertificates, extraCa];
  streamFeatures.use("starttls", NS_TLS, async ({ entity }, next) => {
    const client = entity as unknown as Client & {
      sendReceive(element: ReturnType<typeof xml>): Promise<ReturnType<typeof xml>>;
      _attachSocket(socket: unknown): void;
      restart(): Promise<void>;
    };
    if (!canUpgrade(client.socket)) return next();
    const reply = await client.sendReceive(xml("starttls", { xmlns: NS_TLS }));
    if (!reply.is("proceed", NS_TLS)) throw new Error("the XMPP server refused STARTTLS");
    const secured = (await upgrade(client.socket, { host: client.options.domain, ...(ca && { ca }) })) as NodeJS.EventEmitter & { socket?: NodeJS.EventEmitter };
    // As for the TCP socket (session.ts): xmpp.js drops its listeners when it lets go of a
    // socket that may still be written to, and a late write error must not go unhandled.
    secured.on("error", () => undefined);
    secured.socket?.on("error", () => undefined);
    client._attachSocket(secured);
    await client.restart();
  });
}
