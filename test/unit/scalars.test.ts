import { describe, it, expect } from "vitest";
import {
  GraphQLError,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  graphql,
  parseValue as parseGraphQLValue,
  valueFromAST,
  type GraphQLFieldConfig,
  type GraphQLScalarType,
} from "graphql";
import { scalarResolvers, InputCoercionError, INPUT_COERCION } from "../../src/scalars/index.js";
import { erlangBinary, formatErlangTerm, RawTerm } from "../../src/scalars/coercion-error.js";
import { JidError, bareJid, formatJid, parseBareJid, parseJid, parseUserJid } from "../../src/xmpp/jid.js";
import { nameprep, nodeprep, resourceprep } from "../../src/xmpp/stringprep.js";
import { formatDateTime, parseDateTime } from "../../src/xmpp/date-time.js";
import {
  MAX_XML_ELEMENT_BYTES,
  MAX_XML_ELEMENT_DEPTH,
  XmlParseError,
  parseXmlElement,
} from "../../src/scalars/xml-element.js";
import { XmlElement, xml } from "../../src/xmpp/xml.js";

type ScalarName = keyof typeof scalarResolvers;

function scalar(name: ScalarName): GraphQLScalarType {
  return scalarResolvers[name] as GraphQLScalarType;
}

/** Runs `parseValue` (the variables path) and returns the value or the thrown error. */
function fromVariable(name: ScalarName, input: unknown): unknown {
  try {
    return scalar(name).parseValue(input);
  } catch (error) {
    return error;
  }
}

/** Runs the inline-literal path (`valueFromAST` calls `parseLiteral`), GraphQL syntax in `source`. */
function fromLiteral(name: ScalarName, source: string): unknown {
  try {
    return scalar(name).parseLiteral(parseGraphQLValue(source), undefined);
  } catch (error) {
    return error;
  }
}

function message(type: string, value: string, reason: string): string {
  return `Input coercion failed for type ${type} with value ${value}. The reason it failed is: ${reason}`;
}

/** Asserts `result` is MongooseIM's input-coercion error with exactly this message. */
function expectRejected(result: unknown, type: string, value: string, reason: string): void {
  expect(result).toBeInstanceOf(InputCoercionError);
  const error = result as InputCoercionError;
  expect(error).toBeInstanceOf(GraphQLError);
  expect(error.message).toBe(message(type, value, reason));
  expect(error.extensions).toEqual({ code: "input_coercion", http: { status: 400 } });
  expect(error.typeName).toBe(type);
  expect(error.reason).toBe(reason);
}

describe("Erlang term printing", () => {
  it("prints strings as binaries with escapes, numbers bare, the rest as JSON", () => {
    expect(formatErlangTerm("text")).toBe('<<"text">>');
    expect(formatErlangTerm('say "hi" \\o/')).toBe('<<"say \\"hi\\" \\\\o/">>');
    expect(formatErlangTerm("a\nb\tc")).toBe('<<"a\\nb\\tc">>');
    expect(formatErlangTerm("\u0001")).toBe('<<"\\x{1}">>');
    expect(formatErlangTerm(42)).toBe("42");
    expect(formatErlangTerm(1.5)).toBe("1.5");
    expect(formatErlangTerm(true)).toBe("true");
    expect(formatErlangTerm({ a: [1, "x"] })).toBe('{"a":[1,"x"]}');
    expect(formatErlangTerm([1, 2])).toBe("[1,2]");
    expect(formatErlangTerm(new RawTerm("alice"))).toBe("alice");
    expect(erlangBinary("expected <")).toBe('<<"expected <">>');
  });

  it("exports the extensions code", () => {
    expect(INPUT_COERCION).toBe("input_coercion");
  });
});

describe("scalarResolvers", () => {
  it("holds exactly the eleven custom scalars, each named as its key", () => {
    const names = Object.keys(scalarResolvers).sort();
    expect(names).toEqual(
      [
        "BareJID", "DateTime", "DomainName", "JID", "NonEmptyString", "NonNegInt",
        "PosInt", "ResourceName", "RoomName", "UserName", "XmlElement",
      ].sort(),
    );
    for (const name of names) {
      expect(scalar(name as ScalarName).name).toBe(name);
      expect(scalar(name as ScalarName).description).toBeTruthy();
    }
  });
});

describe("stringprep profiles", () => {
  it("nodeprep folds case, applies NFKC and refuses the prohibited characters", () => {
    expect(nodeprep("Alice")).toBe("alice");
    expect(nodeprep("ＡＬＩＣＥ")).toBe("alice");
    expect(nodeprep("Straße")).toBe("strasse");
    expect(nodeprep("ΣΊΣΥΦΟΣ")).toBe("σίσυφοσ");
    expect(nodeprep("ab\u00ADcd")).toBe("abcd");
    for (const bad of ['a"b', "a&b", "a'b", "a/b", "a:b", "a<b", "a>b", "a@b", "a b", "a\tb", "a\u0000b", "a\u3000b", "a\uE000b", "\u00AD", ""]) {
      expect(nodeprep(bad), JSON.stringify(bad)).toBeNull();
    }
    // Fullwidth "@" becomes "@" under NFKC, which nodeprep then refuses.
    expect(nodeprep("a＠b")).toBeNull();
  });

  it("applies the bidi rule: right-to-left text may not mix with left-to-right letters", () => {
    expect(nodeprep("שלום")).toBe("שלום");
    expect(nodeprep("שלוםabc")).toBeNull();
    expect(nodeprep("abcשלום")).toBeNull();
  });

  it("nameprep lower-cases, drops one trailing dot and refuses empty labels", () => {
    expect(nameprep("Example.COM")).toBe("example.com");
    expect(nameprep("example.com.")).toBe("example.com");
    expect(nameprep("例え。テスト")).toBe("例え.テスト");
    for (const bad of ["a..b", ".a", ".", "a b", "a@b", "a/b", "a\nb", ""]) {
      expect(nameprep(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("resourceprep keeps case, allows space, @ and / but refuses controls", () => {
    expect(resourceprep("My Laptop")).toBe("My Laptop");
    expect(resourceprep("res₁")).toBe("res1");
    expect(resourceprep("a@b/c")).toBe("a@b/c");
    for (const bad of ["a\nb", "a\u0007", "\u2028", "\uFEFF", ""]) {
      expect(resourceprep(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("limits every part to 1023 bytes of UTF-8", () => {
    expect(nodeprep("a".repeat(1023))).toBe("a".repeat(1023));
    expect(nodeprep("a".repeat(1024))).toBeNull();
    expect(resourceprep("é".repeat(511))).toBe("é".repeat(511));
    expect(resourceprep("é".repeat(512))).toBeNull();
  });
});

describe("JID helpers", () => {
  it("parseJid splits on the first / then the first @ and normalises each part", () => {
    expect(parseJid("Alice@Example.COM/Phone/1@x")).toEqual({
      local: "alice",
      domain: "example.com",
      resource: "Phone/1@x",
    });
    expect(parseJid("muc.localhost")).toEqual({ local: "", domain: "muc.localhost", resource: "" });
    expect(parseJid("localhost/res")).toEqual({ local: "", domain: "localhost", resource: "res" });
  });

  it("throws JidError with MongooseIM's reasons", () => {
    const reasonOf = (parse: (text: string) => unknown, text: string): unknown => {
      try {
        parse(text);
        return "accepted";
      } catch (error) {
        expect(error).toBeInstanceOf(JidError);
        return (error as JidError).reason;
      }
    };
    for (const bad of ["test@", "@x", "a@b/", "a b@c", "a@b@c", "", "a@b c", "a@.b", `${"a".repeat(1024)}@b`]) {
      expect(reasonOf(parseJid, bad), JSON.stringify(bad)).toBe("failed_to_parse_jid");
    }
    expect(reasonOf(parseJid, "x".repeat(5000))).toBe("failed_to_parse_jid");
    expect(reasonOf(parseUserJid, "localhost")).toBe("jid_without_local_part");
    expect(reasonOf(parseBareJid, "a@b/c")).toBe("jid_with_resource");
    expect(reasonOf(parseBareJid, "a@b")).toBe("accepted");
  });

  it("formats and strips resources", () => {
    const jid = parseJid("a@b/c");
    expect(formatJid(jid)).toBe("a@b/c");
    expect(formatJid(bareJid(jid))).toBe("a@b");
    expect(formatJid({ local: "", domain: "b", resource: "" })).toBe("b");
  });
});

describe("JID scalar", () => {
  it("accepts and normalises user JIDs, full or bare", () => {
    expect(fromVariable("JID", "Alice@LocalHost")).toBe("alice@localhost");
    expect(fromVariable("JID", "alice@localhost/Res₁")).toBe("alice@localhost/Res1");
    expect(fromLiteral("JID", '"Bob@Example.com/Desk Top"')).toBe("bob@example.com/Desk Top");
  });

  it("rejects unparsable JIDs with failed_to_parse_jid", () => {
    expectRejected(fromVariable("JID", "test@"), "JID", '<<"test@">>', "failed_to_parse_jid");
    expectRejected(fromVariable("JID", "@x"), "JID", '<<"@x">>', "failed_to_parse_jid");
    expectRejected(fromVariable("JID", "al ice@x"), "JID", '<<"al ice@x">>', "failed_to_parse_jid");
    expectRejected(fromVariable("JID", "a@x/"), "JID", '<<"a@x/">>', "failed_to_parse_jid");
    expectRejected(fromVariable("JID", 'a"b@x'), "JID", '<<"a\\"b@x">>', "failed_to_parse_jid");
    expectRejected(fromLiteral("JID", '"test@"'), "JID", '<<"test@">>', "failed_to_parse_jid");
  });

  it("rejects a domain-only JID with jid_without_local_part", () => {
    expectRejected(fromVariable("JID", "localhost"), "JID", '<<"localhost">>', "jid_without_local_part");
    expectRejected(fromLiteral("JID", '"localhost/r"'), "JID", '<<"localhost/r">>', "jid_without_local_part");
  });

  it("rejects values that are not strings, including enum-like unquoted literals", () => {
    expectRejected(fromVariable("JID", 5), "JID", "5", "failed_to_parse_jid");
    expectRejected(fromVariable("JID", { a: 1 }), "JID", '{"a":1}', "failed_to_parse_jid");
    expectRejected(fromLiteral("JID", "12"), "JID", "12", "failed_to_parse_jid");
    expectRejected(fromLiteral("JID", "true"), "JID", "true", "failed_to_parse_jid");
    expectRejected(fromLiteral("JID", "alice"), "JID", "alice", "failed_to_parse_jid");
    expectRejected(fromLiteral("JID", '["a@b"]'), "JID", '["a@b"]', "failed_to_parse_jid");
  });

  it("serializes strings unchanged and refuses anything else", () => {
    expect(scalar("JID").serialize("alice@localhost/r")).toBe("alice@localhost/r");
    expect(() => scalar("JID").serialize(5)).toThrow(TypeError);
  });
});

describe("BareJID and UserName scalars", () => {
  for (const name of ["BareJID", "UserName"] as const) {
    it(`${name} accepts and normalises bare JIDs`, () => {
      expect(fromVariable(name, "Alice@LOCALHOST")).toBe("alice@localhost");
      expect(fromLiteral(name, '"Alice@localhost."')).toBe("alice@localhost");
    });

    it(`${name} rejects with jid_with_resource, jid_without_local_part, failed_to_parse_jid`, () => {
      expectRejected(fromVariable(name, "alice@localhost/res"), name, '<<"alice@localhost/res">>', "jid_with_resource");
      expectRejected(fromVariable(name, "localhost"), name, '<<"localhost">>', "jid_without_local_part");
      expectRejected(fromVariable(name, "test@"), name, '<<"test@">>', "failed_to_parse_jid");
      expectRejected(fromLiteral(name, '"a@b/c"'), name, '<<"a@b/c">>', "jid_with_resource");
      expectRejected(fromVariable(name, null), name, "null", "failed_to_parse_jid");
    });
  }
});

describe("DomainName, RoomName and ResourceName scalars", () => {
  it("DomainName lower-cases and rejects bad domains", () => {
    expect(fromVariable("DomainName", "LocalHost")).toBe("localhost");
    expect(fromLiteral("DomainName", '"Muc.Example.org."')).toBe("muc.example.org");
    expectRejected(fromVariable("DomainName", ""), "DomainName", '<<>>', "empty_domain_name");
    expectRejected(fromVariable("DomainName", "a b"), "DomainName", '<<"a b">>', "failed_to_parse_domain_name");
    expectRejected(fromVariable("DomainName", "a@b"), "DomainName", '<<"a@b">>', "failed_to_parse_domain_name");
    expectRejected(fromLiteral("DomainName", '"a..b"'), "DomainName", '<<"a..b">>', "failed_to_parse_domain_name");
    expectRejected(fromVariable("DomainName", 1), "DomainName", "1", "failed_to_parse_domain_name");
  });

  it("RoomName lower-cases and applies nodeprep", () => {
    expect(fromVariable("RoomName", "Coffee-Room")).toBe("coffee-room");
    expect(fromLiteral("RoomName", '"ÆRØ"')).toBe("ærø");
    expectRejected(fromVariable("RoomName", ""), "RoomName", '<<>>', "empty_room_name");
    for (const bad of ["a@b", "a:b", "a b", "a/b", "a<b", "a&b", "a'b", 'a"b', "a\nb"]) {
      expectRejected(fromVariable("RoomName", bad), "RoomName", formatErlangTerm(bad), "failed_to_parse_room_name");
    }
    expectRejected(fromLiteral("RoomName", '"my room"'), "RoomName", '<<"my room">>', "failed_to_parse_room_name");
  });

  it("ResourceName applies resourceprep and keeps case", () => {
    expect(fromVariable("ResourceName", "res₁")).toBe("res1");
    expect(fromLiteral("ResourceName", '"Phone @ Home/2"')).toBe("Phone @ Home/2");
    expectRejected(fromVariable("ResourceName", ""), "ResourceName", '<<>>', "empty_resource_name");
    expectRejected(fromVariable("ResourceName", "a\nb"), "ResourceName", '<<"a\\nb">>', "failed_to_parse_resource_name");
    expectRejected(fromLiteral("ResourceName", '"a\\u0000b"'), "ResourceName", '<<"a\\x{0}b">>', "failed_to_parse_resource_name");
    expectRejected(fromVariable("ResourceName", false), "ResourceName", "false", "failed_to_parse_resource_name");
  });
});

describe("NonEmptyString scalar", () => {
  it("accepts any non-empty string, whitespace included", () => {
    expect(fromVariable("NonEmptyString", "x")).toBe("x");
    expect(fromVariable("NonEmptyString", " ")).toBe(" ");
    expect(fromLiteral("NonEmptyString", '"hello"')).toBe("hello");
  });

  it('rejects "" and non-strings with "Given string is empty"', () => {
    expectRejected(fromVariable("NonEmptyString", ""), "NonEmptyString", '<<>>', '"Given string is empty"');
    expectRejected(fromLiteral("NonEmptyString", '""'), "NonEmptyString", '<<>>', '"Given string is empty"');
    expectRejected(fromVariable("NonEmptyString", 3), "NonEmptyString", "3", '"Given string is empty"');
    expect(() => scalar("NonEmptyString").serialize("")).toThrow(TypeError);
    expect(scalar("NonEmptyString").serialize("ok")).toBe("ok");
  });
});

describe("PosInt and NonNegInt scalars", () => {
  const POS = '"Value is not a positive integer"';
  const NON_NEG = '"Value is not a non-negative integer"';

  it("accept integral numbers in range, from variables and literals", () => {
    expect(fromVariable("PosInt", 1)).toBe(1);
    expect(fromVariable("PosInt", 5.0)).toBe(5);
    expect(fromVariable("PosInt", Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromLiteral("PosInt", "7")).toBe(7);
    expect(fromLiteral("PosInt", "7.0")).toBe(7);
    expect(fromVariable("NonNegInt", 0)).toBe(0);
    expect(Object.is(fromVariable("NonNegInt", -0), 0)).toBe(true);
    expect(fromLiteral("NonNegInt", "0")).toBe(0);
  });

  it("reject out-of-range, fractional, unsafe and non-number values", () => {
    expectRejected(fromVariable("PosInt", 0), "PosInt", "0", POS);
    expectRejected(fromVariable("PosInt", -3), "PosInt", "-3", POS);
    expectRejected(fromVariable("PosInt", 1.5), "PosInt", "1.5", POS);
    expectRejected(fromVariable("PosInt", "5"), "PosInt", '<<"5">>', POS);
    expectRejected(fromVariable("PosInt", 2 ** 53), "PosInt", "9007199254740992", POS);
    expectRejected(fromVariable("PosInt", true), "PosInt", "true", POS);
    expectRejected(fromLiteral("PosInt", "0"), "PosInt", "0", POS);
    expectRejected(fromLiteral("PosInt", "99999999999999999999"), "PosInt", "99999999999999999999", POS);
    expectRejected(fromLiteral("PosInt", '"5"'), "PosInt", '<<"5">>', POS);
    expectRejected(fromVariable("NonNegInt", -1), "NonNegInt", "-1", NON_NEG);
    expectRejected(fromLiteral("NonNegInt", "-1"), "NonNegInt", "-1", NON_NEG);
    expectRejected(fromLiteral("NonNegInt", "0.5"), "NonNegInt", "0.5", NON_NEG);
  });

  it("serialize only valid values", () => {
    expect(scalar("PosInt").serialize(3)).toBe(3);
    expect(() => scalar("PosInt").serialize(0)).toThrow(TypeError);
    expect(scalar("NonNegInt").serialize(0)).toBe(0);
    expect(() => scalar("NonNegInt").serialize(-1)).toThrow(TypeError);
  });
});

describe("DateTime", () => {
  it("parseDateTime reads RFC 3339 with an offset and fractional seconds", () => {
    expect(parseDateTime("2024-05-01T12:00:00Z")?.toISOString()).toBe("2024-05-01T12:00:00.000Z");
    expect(parseDateTime("2024-05-01T12:00:00.25+02:00")?.toISOString()).toBe("2024-05-01T10:00:00.250Z");
    expect(parseDateTime("2024-05-01t23:30:00.123456-01:30")?.toISOString()).toBe("2024-05-02T01:00:00.123Z");
    expect(parseDateTime("2024-02-29T00:00:00Z")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(parseDateTime("0050-01-01T00:00:00Z")?.toISOString()).toBe("0050-01-01T00:00:00.000Z");
  });

  it("parseDateTime refuses missing offsets, impossible dates and garbage", () => {
    for (const bad of [
      "2024-05-01T12:00:00",
      "2024-05-01",
      "2024-13-01T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-05-01T24:00:00Z",
      "2024-05-01T12:60:00Z",
      "2024-05-01T12:00:60Z",
      "2024-05-01T12:00:00+24:00",
      "2024-05-01 12:00:00Z",
      "yesterday",
      "",
    ]) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
  });

  it("formatDateTime prints UTC to the second", () => {
    expect(formatDateTime(new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 999)))).toBe("2024-05-01T10:00:00Z");
  });

  it("the scalar parses to a Date and serializes Dates and ISO strings", () => {
    const parsed = fromVariable("DateTime", "2024-05-01T12:00:00.5+02:00");
    expect(parsed).toBeInstanceOf(Date);
    expect((parsed as Date).getTime()).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 500));
    expect((fromLiteral("DateTime", '"2024-05-01T12:00:00Z"') as Date).getTime()).toBe(Date.UTC(2024, 4, 1, 12));
    expect(scalar("DateTime").serialize(parsed)).toBe("2024-05-01T10:00:00Z");
    expect(scalar("DateTime").serialize("2024-05-01T12:00:00.123+02:00")).toBe("2024-05-01T10:00:00Z");
    expect(() => scalar("DateTime").serialize("not a date")).toThrow(TypeError);
    expect(() => scalar("DateTime").serialize(new Date(Number.NaN))).toThrow(TypeError);
  });

  it("the scalar rejects with failed_to_parse_datetime", () => {
    const reason = "failed_to_parse_datetime";
    expectRejected(fromVariable("DateTime", "2024-05-01T12:00:00"), "DateTime", '<<"2024-05-01T12:00:00">>', reason);
    expectRejected(fromVariable("DateTime", "2024-13-01T00:00:00Z"), "DateTime", '<<"2024-13-01T00:00:00Z">>', reason);
    expectRejected(fromVariable("DateTime", 1714557600000), "DateTime", "1714557600000", reason);
    expectRejected(fromLiteral("DateTime", '"garbage"'), "DateTime", '<<"garbage">>', reason);
  });
});

describe("XmlElement", () => {
  const reasonOf = (text: string): string => {
    try {
      parseXmlElement(text);
      return "accepted";
    } catch (error) {
      expect(error).toBeInstanceOf(XmlParseError);
      return (error as XmlParseError).reason;
    }
  };

  it("builds an ltx tree with attributes as written and text unescaped", () => {
    const element = parseXmlElement(
      `  <message xmlns="jabber:client" to="alice@localhost" type='chat'>` +
        `<body>1 &lt; 2 &amp;&#x20;&#65;<![CDATA[<raw>]]></body>` +
        `<p:x xmlns:p="urn:example" p:a="&quot;q&quot;"/>` +
        `</message>\n`,
    );
    expect(element).toBeInstanceOf(XmlElement);
    expect(element.name).toBe("message");
    expect(element.attrs).toEqual({ xmlns: "jabber:client", to: "alice@localhost", type: "chat" });
    expect(element.getChildText("body")).toBe("1 < 2 & A<raw>");
    expect(element.getChild("body")?.children).toEqual(["1 < 2 & A<raw>"]);
    const x = element.getChildElements()[1];
    expect(x?.name).toBe("p:x");
    expect(x?.attrs).toEqual({ "xmlns:p": "urn:example", "p:a": '"q"' });
    expect(x?.getNS()).toBe("urn:example");
    expect(x?.parent).toBe(element);
  });

  it("ignores a leading XML declaration", () => {
    expect(parseXmlElement(`<?xml version="1.0" encoding="UTF-8"?><a/>`).toString()).toBe("<a/>");
  });

  it("refuses text that does not start with an element", () => {
    expect(reasonOf("hello")).toBe("expected <");
    expect(reasonOf("")).toBe("expected <");
    expect(reasonOf("   ")).toBe("expected <");
    expect(reasonOf("x<a/>")).toBe("expected <");
  });

  it("refuses hostile and malformed input", () => {
    const billionLaughs =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
      `<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
      `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`;
    expect(reasonOf(billionLaughs)).toMatch(/DTDs are not allowed/);
    expect(reasonOf(`<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>`)).toMatch(
      /DTDs are not allowed/,
    );
    expect(reasonOf(`<a>&foo;</a>`)).toMatch(/undefined entity/);
    expect(reasonOf(`<a>&#0;</a>`)).toMatch(/malformed character entity/);
    expect(reasonOf(`<a/><b/>`)).toMatch(/only one root/);
    expect(reasonOf(`<a/>text`)).toMatch(/text data outside of root node/);
    expect(reasonOf(`<a><b></a>`)).toMatch(/unmatched closing tag|unexpected close tag/);
    expect(reasonOf(`<a>`)).toMatch(/unclosed tag: a/);
    expect(reasonOf(`<a b=c/>`)).toMatch(/unquoted attribute value/);
    expect(reasonOf(`<a b="1" b="2"/>`)).toMatch(/duplicate attribute/);
    expect(reasonOf(`<p:a/>`)).toMatch(/unbound namespace prefix/);
    expect(reasonOf(`<a><!-- hi --></a>`)).toMatch(/comments are not allowed/);
    expect(reasonOf(`<!-- hi --><a/>`)).toMatch(/comments are not allowed/);
    expect(reasonOf(`<a><?pi data?></a>`)).toMatch(/processing instructions are not allowed/);
    expect(reasonOf(` <?xml version="1.0"?><a/>`)).toMatch(/XML declaration must be at the start/);
  });

  it("caps nesting depth", () => {
    const nested = (depth: number): string => "<a>".repeat(depth) + "</a>".repeat(depth);
    expect(reasonOf(nested(MAX_XML_ELEMENT_DEPTH))).toBe("accepted");
    expect(reasonOf(nested(MAX_XML_ELEMENT_DEPTH + 1))).toMatch(/elements are nested too deeply/);
    expect(reasonOf(nested(100_000).slice(0, MAX_XML_ELEMENT_BYTES))).toMatch(/nested too deeply/);
  });

  it("caps input size in bytes", () => {
    const fits = `<a>${"x".repeat(MAX_XML_ELEMENT_BYTES - 7)}</a>`;
    expect(fits.length).toBe(MAX_XML_ELEMENT_BYTES);
    expect(reasonOf(fits)).toBe("accepted");
    expect(reasonOf(`<a>${"x".repeat(MAX_XML_ELEMENT_BYTES)}</a>`)).toBe("element too large");
    // Fewer UTF-16 units than the cap, but more bytes.
    expect(reasonOf(`<a>${"é".repeat(MAX_XML_ELEMENT_BYTES / 2)}</a>`)).toBe("element too large");
  });

  it("the scalar rejects with the parser's reason as a binary", () => {
    expectRejected(fromVariable("XmlElement", "hello"), "XmlElement", '<<"hello">>', '<<"expected <">>');
    expectRejected(fromLiteral("XmlElement", '"nope"'), "XmlElement", '<<"nope">>', '<<"expected <">>');
    expectRejected(fromVariable("XmlElement", 7), "XmlElement", "7", '<<"expected <">>');
    expectRejected(fromVariable("XmlElement", "<a>"), "XmlElement", '<<"<a>">>', '<<"1:3: unclosed tag: a">>');
    expectRejected(
      fromVariable("XmlElement", "<a>&foo;</a>"),
      "XmlElement",
      '<<"<a>&foo;</a>">>',
      '<<"1:8: undefined entity.">>',
    );
    expectRejected(
      fromVariable("XmlElement", "x".repeat(MAX_XML_ELEMENT_BYTES + 1)),
      "XmlElement",
      `<<"${"x".repeat(MAX_XML_ELEMENT_BYTES + 1)}">>`,
      '<<"element too large">>',
    );
  });

  it("the scalar parses to an Element and serializes Elements and strings", () => {
    const parsed = fromVariable("XmlElement", `<presence xmlns="jabber:client"><show>away</show></presence>`);
    expect(parsed).toBeInstanceOf(XmlElement);
    expect((parsed as XmlElement).getChildText("show")).toBe("away");
    expect(fromLiteral("XmlElement", `"<a x='1'/>"`)).toEqual(xml("a", { x: "1" }));
    expect(scalar("XmlElement").serialize(xml("a", { b: "<&>" }, "t&"))).toBe(`<a b="&lt;&amp;&gt;">t&amp;</a>`);
    expect(scalar("XmlElement").serialize("<raw/>")).toBe("<raw/>");
    expect(() => scalar("XmlElement").serialize(5)).toThrow(TypeError);
  });
});

describe("through graphql()", () => {
  // Built from graphql's own classes: @graphql-tools would load a second copy of graphql
  // (CommonJS) next to the ESM one vitest gives this file.
  const echo = (name: ScalarName, nullable = false): GraphQLFieldConfig<unknown, unknown> => ({
    type: scalar(name),
    args: { value: { type: nullable ? scalar(name) : new GraphQLNonNull(scalar(name)) } },
    resolve: (_source, args: { value?: unknown }) => args.value,
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        jid: echo("JID"),
        bare: echo("BareJID", true),
        time: echo("DateTime"),
        count: echo("PosInt"),
        text: echo("NonEmptyString"),
        element: echo("XmlElement"),
      },
    }),
  });

  it("returns normalised values for valid literals and variables", async () => {
    const result = await graphql({
      schema,
      source: `query($t: DateTime!, $e: XmlElement!) {
        jid(value: "Alice@LocalHost/Res₁")
        bare(value: "Bob@Example.com")
        time(value: $t)
        count(value: 3)
        text(value: "hi")
        element(value: $e)
      }`,
      variableValues: { t: "2024-05-01T12:00:00.750+02:00", e: `<a  x="1" >t&amp;</a>` },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      jid: "alice@localhost/Res1",
      bare: "bob@example.com",
      time: "2024-05-01T10:00:00Z",
      count: 3,
      text: "hi",
      element: `<a x="1">t&amp;</a>`,
    });
  });

  it("reports an invalid literal with MongooseIM's message and code", async () => {
    const result = await graphql({ schema, source: `{ jid(value: "test@") }` });
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    expect(error?.message).toBe(message("JID", '<<"test@">>', "failed_to_parse_jid"));
    expect(error?.extensions).toEqual({ code: "input_coercion", http: { status: 400 } });
    expect(error?.locations).toEqual([{ line: 1, column: 14 }]);
  });

  it("reports an invalid variable with the code, the original error kept as originalError", async () => {
    const result = await graphql({
      schema,
      source: `query($v: BareJID) { bare(value: $v) }`,
      variableValues: { v: "alice@localhost/res" },
    });
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    const expected = message("BareJID", '<<"alice@localhost/res">>', "jid_with_resource");
    expect(error?.message.endsWith(expected)).toBe(true);
    expect(error?.extensions).toEqual({ code: "input_coercion", http: { status: 400 } });
    expect(error?.originalError).toBeInstanceOf(InputCoercionError);
    expect(error?.originalError?.message).toBe(expected);
  });

  it("reports each invalid argument in one request", async () => {
    const result = await graphql({
      schema,
      source: `{ count(value: 0) text(value: "") time(value: "2024-05-01") element(value: "<a><b></a>") }`,
    });
    const messages = (result.errors ?? []).map((error) => error.message);
    expect(messages).toEqual([
      message("PosInt", "0", '"Value is not a positive integer"'),
      message("NonEmptyString", '<<>>', '"Given string is empty"'),
      message("DateTime", '<<"2024-05-01">>', "failed_to_parse_datetime"),
      message("XmlElement", '<<"<a><b></a>">>', '<<"1:10: unexpected close tag.">>'),
    ]);
    for (const error of result.errors ?? []) expect(error.extensions.code).toBe("input_coercion");
  });

  it("valueFromAST goes through parseLiteral too", () => {
    const type = schema.getType("JID") as GraphQLScalarType;
    expect(valueFromAST(parseGraphQLValue('"A@B"'), type)).toBe("a@b");
  });
});
