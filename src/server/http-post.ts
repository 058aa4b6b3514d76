import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, execute, type GraphQLSchema } from "graphql";
import type { GraphQLContext } from "../graphql/context.js";
import type { DocumentCache } from "./document-cache.js";
import { RequestRefused } from "./operation.js";
import { formatResult, withoutHttpHint } from "./format-result.js";
import { toRequestError } from "./request-errors.js";

/*
 * The hot path: a JSON POST to /api/graphql, served without yoga's per-request
 * machinery (Fetch API objects, abort signals, plugin hooks), with documents parsed and
 * validated once (DocumentCache). The benchmark showed yoga's layers costing more CPU
 * than the XMPP work of a warm query. Everything else (GET, GraphiQL, other body types,
 * CORS preflight) still goes to yoga; both paths share the same checks and error table.
 */

const RESPONSE_TYPES = ["application/graphql-response+json", "application/json"] as const;

/** Whether this request is one the fast path serves (decided before reading the body). */
export function isJsonPost(req: IncomingMessage): boolean {
  if (req.method !== "POST") return false;
  const type = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

/** The response type the client accepts, first listed wins; undefined when it accepts none. */
function responseType(accept: string | undefined): string | undefined {
  if (!accept) return "application/json";
  for (const part of accept.split(",")) {
    const type = part.split(";")[0]!.trim().toLowerCase();
    if ((RESPONSE_TYPES as readonly string[]).includes(type)) return type;
    if (type === "*/*" || type === "application/*") return "application/json";
  }
  return undefined;
}

function requestError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface JsonPostDeps {
  schema: GraphQLSchema;
  documents: DocumentCache;
  contextFor: (req: IncomingMessage) => Promise<GraphQLContext>;
  log: (error: unknown) => void;
}

/** Serves a JSON POST request (see the module comment). Never throws. */
export async function handleJsonPost(req: IncomingMessage, res: ServerResponse, deps: JsonPostDeps): Promise<void> {
  const type = responseType(req.headers.accept);
  const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      ...extra,
      "content-type": `${type ?? "application/json"}; charset=utf-8`,
      "content-length": Buffer.byteLength(text),
    };
    // What yoga's default CORS answers: the caller's origin, with credentials.
    const origin = req.headers.origin;
    if (origin) Object.assign(headers, { "access-control-allow-origin": origin, "access-control-allow-credentials": "true", vary: "Origin" });
    res.writeHead(status, headers);
    res.end(text);
  };
  // Headers an error asks for (Retry-After on a throttled login) go out with it.
  const refuse = (status: number, errors: readonly GraphQLError[]) =>
    send(status, { errors: errors.map((e) => withoutHttpHint(e.toJSON())) },
      Object.assign({}, ...errors.map((e) => (e.extensions.http as { headers?: Record<string, string> } | undefined)?.headers ?? {})));

  try {
    if (!type) {
      return refuse(406, [requestError("The Accept header allows no response type this server sends (application/json, application/graphql-response+json, text/event-stream, text/html)", "not_acceptable")]);
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return refuse(400, [requestError("The request JSON body is invalid", "invalid_json_body")]);
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      return refuse(400, [requestError(Array.isArray(body) ? "Batched requests are not supported" : "The request JSON body is invalid", Array.isArray(body) ? "batching_not_supported" : "invalid_json_body")]);
    }
    const { query, variables: rawVariables, operationName, extensions } = body as Record<string, unknown>;
    if (extensions !== undefined && extensions !== null && (typeof extensions !== "object" || Array.isArray(extensions))) {
      return refuse(400, [requestError("The extensions must be a JSON object", "invalid_query_parameters")]);
    }
    if (typeof query !== "string" || query === "") {
      return refuse(400, [requestError("The query was not supplied in the request body", "no_query_supplied")]);
    }
    let variables: Record<string, unknown> | undefined;
    try {
      const parsed = typeof rawVariables === "string" ? (rawVariables === "" ? null : JSON.parse(rawVariables)) : rawVariables;
      if (parsed !== undefined && parsed !== null && (typeof parsed !== "object" || Array.isArray(parsed))) throw new Error("not an object");
      variables = (parsed ?? undefined) as Record<string, unknown> | undefined;
    } catch {
      return refuse(400, [requestError("The variables' JSON is invalid", "variables_invalid_json")]);
    }
    if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
      return refuse(400, [requestError("The operationName must be a string", "invalid_query_parameters")]);
    }

    let context: GraphQLContext;
    try {
      context = await deps.contextFor(req);
    } catch (error) {
      if (error instanceof GraphQLError) return refuse((error.extensions.http as { status?: number } | undefined)?.status ?? 400, [error]);
      throw error;
    }
    let document;
    try {
      ({ document } = deps.documents.prepare(query, operationName, "http", context.caller !== undefined));
    } catch (error) {
      if (error instanceof RequestRefused) return refuse(error.status, error.errors);
      throw error;
    }
    const result = await execute({ schema: deps.schema, document, variableValues: variables, operationName: operationName ?? undefined, contextValue: context });
    if (!("data" in result) || result.data === undefined || result.data === null) {
      // Variables that do not fit the operation: refused before execution, like MongooseIM.
      if (result.errors?.length && result.errors.every((e) => !e.path)) return refuse(400, result.errors.map(toRequestError));
    }
    return send(200, formatResult(result, deps.log));
  } catch (error) {
    deps.log(error);
    if (!res.headersSent) send(500, { errors: [{ message: "GraphQL Internal Server Error", extensions: { code: "internal_server_error" } }] });
    else res.end();
  }
}
