import { describe, expect, it } from "vitest";
import { GraphQLError, buildSchema, parse, validate } from "graphql";
import { requestErrorCode, toRequestError } from "../../src/server/request-errors.js";
import { loadTypeDefs } from "../../src/graphql/schema.js";

const schema = buildSchema(loadTypeDefs().join("\n"));

function syntaxError(query: string): GraphQLError {
  try {
    parse(query);
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error(`${query} parsed`);
}

function validationError(query: string): GraphQLError {
  const [error] = validate(schema, parse(query));
  if (!error) throw new Error(`${query} is valid`);
  return error;
}

function status(error: GraphQLError): unknown {
  return (error.extensions.http as { status?: number } | undefined)?.status;
}

describe("requestErrorCode / toRequestError: syntax errors", () => {
  it("reports parser errors with MongooseIM's message", () => {
    const error = toRequestError(syntaxError("{ a"));
    expect(error.extensions.code).toBe("parser_error");
    expect(error.message).toBe("Cannot parse line 1 because of Expected Name, found <EOF>.");
    expect(status(error)).toBe(400);
    expect(error.locations).toEqual([{ line: 1, column: 4 }]);
  });

  it("reports lexer errors as scanner_error", () => {
    const error = toRequestError(syntaxError('{ a(b: "x) }'));
    expect(error.extensions.code).toBe("scanner_error");
    expect(error.message).toBe("Cannot scan line 1 because of Unterminated string.");
    expect(status(error)).toBe(400);
  });

  it("names the line the error is on", () => {
    const error = toRequestError(syntaxError("{\n  a\n  ?\n}"));
    expect(error.extensions.code).toBe("scanner_error");
    expect(error.message).toMatch(/^Cannot scan line 3 because of Unexpected character/);
    expect(toRequestError(syntaxError("{\n  a(b: 1.x) }")).message).toMatch(/^Cannot scan line 2 because of Invalid number/);
  });

  it("replaces yoga's parse code and drops http.spec", () => {
    const original = syntaxError("{ a");
    const yoga = new GraphQLError(original.message, {
      source: original.source, positions: original.positions,
      extensions: { code: "GRAPHQL_PARSE_FAILED", http: { spec: true, status: 400 } },
    });
    const error = toRequestError(yoga);
    expect(error.extensions.code).toBe("parser_error");
    expect(error.extensions.http).toEqual({ status: 400 });
  });
});

describe("requestErrorCode: validation errors", () => {
  it.each([
    ["{ nope }", "unknown_field"],
    ["{ roster { getContact { jid } } }", "missing_non_null_param"],
    ['{ roster { getContact(contact: "a@b", x: 1) { jid } } }', "excess_args"],
    ['mutation { roster { subscription(contact: "a@b", action: FOO) } }', "unknown_enum"],
    ["{ roster { getContact(contact: $c) { jid } } }", "unbound_variable"],
    ["query A { checkAuth { authStatus } } query A { checkAuth { authStatus } }", "not_unique"],
    ["{ ...F }", "unknown_fragment"],
  ])("%s → %s", (query, code) => {
    const error = validationError(query);
    expect(requestErrorCode(error)).toBe(code);
    const mapped = toRequestError(error);
    expect(mapped.extensions.code).toBe(code);
    expect(mapped.message).toBe(error.message);
    expect(status(mapped)).toBe(400);
  });

  it.each([
    ['Variable "$c" of required type "JID!" was not provided.', "missing_non_null_param"],
    ['Variable "$c" of non-null type "JID!" must not be null.', "missing_non_null_param"],
    ['Unknown operation named "Nope".', "operation_not_found"],
    ["Must provide operation name if query contains multiple operations.", "operation_not_found"],
    ['Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"', "type_mismatch"],
    ["Something graphql-js never said before.", "validation_error"],
  ])("%s → %s", (message, code) => {
    expect(requestErrorCode(new GraphQLError(message))).toBe(code);
  });
});

describe("toRequestError: yoga's request errors", () => {
  it("gives invalid JSON bodies MongooseIM's code and fixed message", () => {
    const error = toRequestError(new GraphQLError("POST body sent invalid JSON.", {
      extensions: { code: "BAD_REQUEST", http: { spec: true, status: 400 } },
    }));
    expect(error.extensions.code).toBe("invalid_json_body");
    expect(error.message).toBe("The request JSON body is invalid");
    expect(error.extensions.http).toEqual({ status: 400 });
  });

  it("reports a missing query as no_query_supplied", () => {
    const error = toRequestError(new GraphQLError("Must provide query string.", {
      extensions: { code: "BAD_REQUEST", http: { spec: true, status: 400 } },
    }));
    expect(error.extensions.code).toBe("no_query_supplied");
    expect(error.message).toBe("The query was not supplied in the request body");
  });

  it("reports invalid variables JSON", () => {
    const error = toRequestError(new GraphQLError("Variables are invalid JSON.", { extensions: { code: "BAD_REQUEST" } }));
    expect(error.extensions.code).toBe("variables_invalid_json");
    expect(error.message).toBe("The variables' JSON is invalid");
  });

  it("turns a 200 status into 400 and keeps another status", () => {
    const ok = toRequestError(new GraphQLError("Must provide query string.", { extensions: { http: { status: 200 } } }));
    expect(status(ok)).toBe(400);
    const other = toRequestError(new GraphQLError("Must provide query string.", { extensions: { http: { status: 405 } } }));
    expect(status(other)).toBe(405);
  });

  it("drops yoga's originalError extension", () => {
    const error = toRequestError(new GraphQLError("Must provide query string.", {
      extensions: { code: "BAD_REQUEST", originalError: { message: "x" } },
    }));
    expect(error.extensions.originalError).toBeUndefined();
  });
});

describe("toRequestError: errors that already have a code", () => {
  it("keeps the code and adds status 400", () => {
    const error = new GraphQLError("Invalid JID", { extensions: { code: "input_coercion" } });
    expect(requestErrorCode(error)).toBeUndefined();
    const mapped = toRequestError(error);
    expect(mapped.extensions.code).toBe("input_coercion");
    expect(mapped.message).toBe("Invalid JID");
    expect(status(mapped)).toBe(400);
  });

  it("sends a variable's coercion error with the scalar's own message", () => {
    const error = new GraphQLError('Variable "$c" got invalid value "@"; failed_to_parse_jid', {
      originalError: new Error("failed_to_parse_jid"),
      extensions: { code: "input_coercion" },
    });
    const mapped = toRequestError(error);
    expect(mapped.message).toBe("failed_to_parse_jid");
    expect(mapped.extensions.code).toBe("input_coercion");
  });

  it("drops http.spec but keeps the status", () => {
    const mapped = toRequestError(new GraphQLError("x", { extensions: { code: "input_coercion", http: { spec: true, status: 422 } } }));
    expect(mapped.extensions.http).toEqual({ status: 422 });
    expect(mapped.extensions.code).toBe("input_coercion");
  });

  it("returns an error that already has a code and status unchanged", () => {
    const error = new GraphQLError("Cannot execute query ROOT without permissions", {
      extensions: { code: "no_permissions", http: { status: 401 } },
    });
    expect(toRequestError(error)).toBe(error);
  });
});

describe("literals a built-in scalar refuses", () => {
  const refusal = (query: string) => validate(schema, parse(query)).map(toRequestError)[0]!;
  const send = (body: string) => `mutation { stanza { sendMessage(to: "a@localhost", body: ${body}) { id } } }`;

  it.each([["12"], ["1.5"], ["true"], ["SOME_ENUM"], ['["x"]']])("body: %s → input_coercion (400), as for a variable", (literal) => {
    const error = refusal(send(literal));
    expect(error.extensions.code).toBe("input_coercion");
    expect((error.extensions.http as { status: number }).status).toBe(400);
    expect(error.message).toBe(`Input coercion failed for type String with value ${literal}. The reason it failed is: String cannot represent a non string value: ${literal}`);
  });

  it("keeps type_mismatch for null where a value is required", () => {
    expect(refusal(send("null")).extensions.code).toBe("type_mismatch");
  });
});
