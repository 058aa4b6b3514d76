import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/*
 * A fixed body served the way browsers and proxies cache well: compressed as the client
 * accepts (br, then gzip), with a strong ETag so that a revalidation costs a 304. The
 * GraphiQL page carries its scripts inline (~9 MB, ~1.5 MB gzipped), so this matters.
 * Each encoding is computed on its first request and kept by the asset (its owner).
 */

export interface StaticAsset {
  (req: IncomingMessage, res: ServerResponse): void;
}

type Encoding = "br" | "gzip" | "identity";

/** Serves `body` as `type`; `cacheControl` says how long clients may reuse it unasked. */
export function createStaticAsset(body: string, type: string, cacheControl = "no-cache"): StaticAsset {
  const plain = Buffer.from(body, "utf8");
  const etag = `"${createHash("sha256").update(plain).digest("base64url").slice(0, 27)}"`;
  const encoded = new Map<Encoding, Buffer>([["identity", plain]]);
  const encode = (encoding: Encoding): Buffer => {
    let buffer = encoded.get(encoding);
    if (!buffer) {
      // Quality 9 of 11: most of the gain, without seconds of CPU on the first request.
      buffer = encoding === "br"
        ? brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length } })
        : gzipSync(plain, { level: 9 });
      encoded.set(encoding, buffer);
    }
    return buffer;
  };
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      return void res.end("Method Not Allowed");
    }
    // Keeps a Vary the router set (Origin, for CORS).
    const vary = [res.getHeader("vary"), "Accept-Encoding"].filter(Boolean).join(", ");
    const headers = { etag, "cache-control": cacheControl, vary };
    if (matches(req.headers["if-none-match"], etag)) {
      res.writeHead(304, headers);
      return void res.end();
    }
    const encoding = negotiate(req.headers["accept-encoding"]);
    const buffer = encode(encoding);
    res.writeHead(200, {
      ...headers,
      "content-type": type,
      "content-length": buffer.length,
      ...(encoding !== "identity" && { "content-encoding": encoding }),
    });
    res.end(req.method === "HEAD" ? undefined : buffer);
  };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** The best encoding the client accepts (q=0 refuses one). */
export function negotiate(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name!, q ? Number(q.slice(2)) : 1);
  }
  const quality = (name: string) => accepted.get(name) ?? accepted.get("*") ?? 0;
  if (quality("br") > 0) return "br";
  if (quality("gzip") > 0) return "gzip";
  return "identity";
}
