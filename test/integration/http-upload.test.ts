import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";

const GET_URL = `mutation($f: NonEmptyString!, $s: PosInt!, $c: String, $t: PosInt!) {
  httpUpload { getUrl(filename: $f, size: $s, contentType: $c, timeout: $t) { putUrl getUrl headers { name value } } }
}`;
const NS_UPLOAD = "urn:xmpp:http:upload:0";

const gw = useGateway();

type Slot = { putUrl: string; getUrl: string; headers: Array<{ name: string; value: string }> };

async function put(slot: Slot, body: Buffer, contentType: string): Promise<Response> {
  const headers: Record<string, string> = { "content-type": contentType };
  for (const h of slot.headers) headers[h.name] = h.value;
  return fetch(slot.putUrl, { method: "PUT", headers, body: new Uint8Array(body) });
}

/** The service's max-file-size as an independent client discovers it (XEP-0363 §3). */
async function maxFileSize(client: RawClient): Promise<number> {
  const info = await client.iq(xml("iq", { type: "get", to: gw.sandbox.uploadDomain }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" })));
  const form = info.getChild("query")!.getChildren("x", "jabber:x:data")
    .find((x) => x.getChildren("field").some((f) => f.attrs.var === "FORM_TYPE" && f.getChildText("value") === NS_UPLOAD))!;
  return Number(form.getChildren("field").find((f) => f.attrs.var === "max-file-size")!.getChildText("value"));
}

describe("httpUpload.getUrl", () => {
  it("returns a slot: the file PUT with the returned headers comes back byte-identical from getUrl", async () => {
    const alice = await gw.sandbox.createUser();
    const content = randomBytes(40_000);
    const r = await gw.gql(GET_URL, { f: "photo.png", s: content.length, c: "image/png", t: 600 }, alice);
    expect(r.body.errors).toBeUndefined();
    const slot = r.body.data.httpUpload.getUrl as Slot;
    const base = `http://${gw.sandbox.host}:${gw.sandbox.httpPort}/`;
    expect(slot.putUrl.startsWith(base)).toBe(true);
    expect(slot.getUrl.startsWith(base)).toBe(true);
    expect(slot.getUrl.endsWith("/photo.png")).toBe(true);
    // Prosody's mod_http_file_share authorises the PUT with a header; ejabberd's mod_http_upload by the URL alone.
    expect(slot.headers).toEqual(
      SERVER === "ejabberd" ? [] : [{ name: "Authorization", value: expect.stringMatching(/^Bearer \S+$/) }],
    );

    const uploaded = await put(slot, content, "image/png");
    expect(uploaded.status).toBe(201);
    const download = await fetch(slot.getUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
  });

  it("works without a content type (null or empty counts as none) and with a non-ASCII file name", async () => {
    const alice = await gw.sandbox.createUser();
    for (const c of [null, ""]) {
      const content = Buffer.from(`notes ${String(c)} ✓`);
      const r = await gw.gql(GET_URL, { f: "résumé notes.txt", s: content.length, c, t: 1 }, alice);
      expect(r.body.errors).toBeUndefined();
      const slot = r.body.data.httpUpload.getUrl as Slot;
      expect((await put(slot, content, "application/octet-stream")).status).toBe(201);
      expect(Buffer.from(await (await fetch(slot.getUrl)).arrayBuffer()).equals(content)).toBe(true);
    }
  });

  it("gives each request its own slot", async () => {
    const alice = await gw.sandbox.createUser();
    const [a, b] = await Promise.all([1, 2].map(() => gw.gql(GET_URL, { f: "same.bin", s: 10, t: 60 }, alice)));
    expect(a!.body.data.httpUpload.getUrl.putUrl).not.toBe(b!.body.data.httpUpload.getUrl.putUrl);
  });

  it("refuses a size above the service's max-file-size with file_too_large_error", async () => {
    const alice = await gw.sandbox.createUser();
    const client = await gw.connect(alice, { presence: false });
    const max = await maxFileSize(client);
    const atMax = await gw.gql(GET_URL, { f: "big.bin", s: max, t: 60 }, alice);
    expect(atMax.body.errors).toBeUndefined();
    const r = await gw.gql(GET_URL, { f: "huge.bin", s: max + 1, c: "application/zip", t: 60 }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data.httpUpload.getUrl).toBeNull();
    expect(r.body.errors![0]).toEqual({
      message: "Declared file size exceeds the host's maximum file size.",
      path: ["httpUpload", "getUrl"],
      extensions: { code: "file_too_large_error", filename: "huge.bin", size: max + 1, contentType: "application/zip", timeout: 60 },
    });
  });

  it("reports the service's own refusal, e.g. Prosody's for a file name with a slash", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET_URL, { f: "dir/file.txt", s: 10, t: 60 }, alice);
    if (SERVER === "ejabberd") {
      // Documented difference: ejabberd accepts the name and replaces the slash.
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.httpUpload.getUrl.putUrl.endsWith("/dir_file.txt")).toBe(true);
      return;
    }
    expect(r.body.data.httpUpload.getUrl).toBeNull();
    expect(r.body.errors![0]).toMatchObject({
      message: "The XMPP server refused the request: bad-request (Invalid filename)",
      extensions: { code: "xmpp_error", condition: "bad-request", filename: "dir/file.txt" },
    });
  });

  it("refuses an empty file name and a zero size before execution", async () => {
    const alice = await gw.sandbox.createUser();
    for (const vars of [{ f: "", s: 10, t: 60 }, { f: "a", s: 0, t: 60 }, { f: "a", s: 1, t: 0 }]) {
      const r = await gw.gql(GET_URL, vars, alice);
      expect(r.status).toBe(400);
      expect(r.body.errors![0]!.extensions).toMatchObject({ code: "input_coercion" });
    }
  });
});
