import { openSocket } from "../../scripts/sandbox/xmpp-wire.js";

/** What a server offers on a fresh, unencrypted c2s stream (RFC 6120 §4.3.2). */
export interface OfferedFeatures {
  starttls: boolean;
  mechanisms: string[];
}

/**
 * Opens a stream to `host:port` for `domain` and reads its first <stream:features/>, so that a
 * test can show what a sandbox really offers instead of trusting its configuration.
 * @throws when the server does not send its features within `timeoutMs`.
 */
export async function readOfferedFeatures(host: string, port: number, domain: string, timeoutMs = 5000): Promise<OfferedFeatures> {
  const socket = await openSocket(host, port, timeoutMs);
  try {
    const text = await new Promise<string>((resolve, reject) => {
      let received = "";
      const timer = setTimeout(() => reject(new Error(`no stream features within ${timeoutMs} ms: ${received}`)), timeoutMs);
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString("utf8");
        if (/<\/(stream:)?features>/.test(received)) {
          clearTimeout(timer);
          resolve(received);
        }
      });
      socket.on("error", reject);
      socket.write(`<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
    });
    return {
      starttls: /<starttls[\s>/]/.test(text),
      mechanisms: [...text.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]!),
    };
  } finally {
    socket.destroy();
  }
}
