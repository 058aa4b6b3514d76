/**
 * Generators of malformed and hostile requests for the fuzz tests: a seeded PRNG so a
 * failure names a seed that reproduces it.
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number) => Math.floor(r() * n);

const JUNK = ["", " ", "\u0000", "\uffff", "\ud800", "💥", "null", "{", "}", "[", "]", '"', "\\", "\n", "%", "<", ">", "&", "'", "@", "/", "a".repeat(3000)];
const JIDS = ["alice@localhost", "test@", "@localhost", "a@b@c", "a b@localhost", "alice@localhost/", "alice@localhost/res\u0000", "ALICE@LOCALHOST/Ⅻ", "x".repeat(1100) + "@localhost", "localhost", "", "\u202e@localhost", "a@-.", "a@[::1]"];
const XML = [
  "<message to='bob@localhost'><body>hi</body></message>",
  "<message",
  "<!DOCTYPE x [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]><message>&b;</message>",
  "<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>",
  "<message>&undefined;</message>",
  "<a/><b/>",
  "<a>text</a>trailing",
  "<p:a/>",
  "<" + "a>".repeat(200) + "</a>".repeat(200),
  "<iq type='set' to='localhost'><query xmlns='jabber:iq:roster'/></iq>",
  "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>",
  "<presence to='bob@localhost' type='subscribe'/>",
  "<message to='bob@localhost' from='mallory@localhost'/>",
  "<?xml version='1.0'?><message to='a@b'/>",
  "<message to='a@b'><!-- c --></message>",
  "<message to='a@b'>" + "x".repeat(70_000) + "</message>",
];
const DOCS = [
  "{ checkAuth { username authStatus } }",
  "{ roster { listContacts { jid name groups subscription ask } } }",
  "query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }",
  "mutation M($c: JID!) { roster { addContact(contact: $c) } }",
  "mutation S($s: XmlElement) { stanza { sendStanza(stanza: $s) { id } } }",
  "query L($l: PosInt, $b: DateTime, $w: JID) { stanza { getLastMessages(limit: $l, before: $b, with: $w) { limit } } }",
  "subscription { stanza { subscribeForMessages { sender } } }",
  "{ __schema { types { name } } }",
  "{ vcard { getVcard { formattedName } } }",
];

function mutateText(r: Rand, text: string): string {
  const ops = [
    () => text.slice(0, int(r, text.length + 1)),
    () => text + pick(r, JUNK),
    () => { const i = int(r, text.length + 1); return text.slice(0, i) + pick(r, JUNK) + text.slice(i); },
    () => text.replace(/[{}()]/, ""),
    () => text.repeat(1 + int(r, 3)),
    () => "{".repeat(1 + int(r, 300)) + text,
    () => text.split("").reverse().join(""),
  ];
  return pick(r, ops)();
}

function randomValue(r: Rand, depth = 0): unknown {
  const kinds: Array<() => unknown> = [
    () => pick(r, JIDS), () => pick(r, XML), () => pick(r, JUNK), () => int(r, 1e9) - 5e8, () => r() * 1e300,
    () => r() < 0.5, () => null, () => "2024-13-45T99:99:99Z", () => "2024-01-01T00:00:00+02:00",
    () => (depth < 3 ? [randomValue(r, depth + 1), randomValue(r, depth + 1)] : []),
    () => (depth < 3 ? { jid: randomValue(r, depth + 1), name: randomValue(r, depth + 1) } : {}),
  ];
  return pick(r, kinds)();
}

/** One hostile HTTP request: method, extra headers and body text. */
export interface FuzzRequest { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string }

export function randomRequest(r: Rand, validAuth: string): FuzzRequest {
  const doc = r() < 0.6 ? pick(r, DOCS) : mutateText(r, pick(r, DOCS));
  const variables = r() < 0.5 ? { c: randomValue(r), s: randomValue(r), l: randomValue(r), b: randomValue(r), w: randomValue(r) } : randomValue(r);
  const auths = [validAuth, "", "Basic", "Basic " + Buffer.from(pick(r, JIDS) + ":" + pick(r, JUNK)).toString("base64"), "Bearer " + pick(r, JUNK), "Basic !!!" + pick(r, JUNK), "Negotiate x", pick(r, JUNK)];
  const headers: Record<string, string> = {};
  const auth = pick(r, auths);
  if (auth && !/[\u0000-\u001f\u007f-\uffff]/.test(auth)) headers.authorization = auth;
  const accept = pick(r, ["application/json", "application/graphql-response+json", "text/event-stream", "*/*", "text/html", ""]);
  if (accept) headers.accept = accept;
  if (r() < 0.5) {
    const shapes = [
      () => JSON.stringify({ query: doc, variables }),
      () => JSON.stringify({ query: doc, variables: JSON.stringify(variables) }),
      () => JSON.stringify({ query: doc, operationName: pick(r, ["Q", "M", "", "nope"]) }),
      () => JSON.stringify({ query: randomValue(r) }),
      () => JSON.stringify([{ query: doc }]),
      () => mutateText(r, JSON.stringify({ query: doc })),
      () => pick(r, JUNK),
    ];
    headers["content-type"] = pick(r, ["application/json", "application/graphql", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"]);
    return { method: "POST", path: "/api/graphql", headers, body: pick(r, shapes)() };
  }
  const path = pick(r, ["/api/graphql", "/api/graphql/sse"]);
  const params = new URLSearchParams();
  params.set("query", doc);
  if (r() < 0.7) params.set("variables", r() < 0.5 ? JSON.stringify(variables) : mutateText(r, JSON.stringify(variables)));
  let query = params.toString();
  if (r() < 0.1) query = pick(r, ["=x", "&&&", "query", "query=%E0%A4%A", "variables=%7B"]);
  return { method: "GET", path: `${path}?${query}`, headers };
}
