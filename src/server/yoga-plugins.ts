import { GraphQLError, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../graphql/context.js";
import { noPermissionsError, requiresCredentials, unsupportedOperation } from "./operation.js";
import { toRequestError } from "./request-errors.js";

/**
 * Refuses, before execution and like MongooseIM, a subscription over plain HTTP and a
 * protected operation without credentials (HTTP 400 / 401).
 */
export function useMongooseAccessRules(): Plugin<GraphQLContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName ?? undefined);
      if (!operation) return;
      const unsupported = unsupportedOperation("http", operation.operation);
      if (unsupported) return setResultAndStopExecution({ errors: [unsupported] });
      const context = args.contextValue as GraphQLContext;
      if (!context.caller && requiresCredentials(operation, args.document)) {
        setResultAndStopExecution({ errors: [noPermissionsError(args.operationName ?? operation.name?.value)] });
      }
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName ?? undefined);
      if (operation?.operation === "subscription") {
        setResultAndStopExecution({ errors: [unsupportedOperation("http", "subscription")!] });
      }
    },
  };
}

/**
 * Gives yoga's own request errors (bad JSON, missing query, syntax and validation
 * errors) MongooseIM's codes and HTTP 400. Errors raised during execution have a path
 * and are left alone.
 */
export function useMongooseRequestErrors(): Plugin<GraphQLContext> {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== "object" || !("errors" in result)) return;
      const errors = (result as { errors?: readonly GraphQLError[] }).errors;
      if (!errors || errors.length === 0 || ("data" in result && result.data !== undefined && result.data !== null)) return;
      const rewritten = errors.map((error) =>
        error instanceof GraphQLError && !error.path ? toRequestError(error) : error,
      );
      setResult({ ...(result as object), errors: rewritten });
    },
  };
}

// yoga answers these statuses with an empty body; clients get a JSON error with a code.
const EMPTY_STATUS_CODES: Readonly<Record<number, { code: string; message: string }>> = {
  406: { code: "not_acceptable", message: "The Accept header allows no response type this server sends (application/json, application/graphql-response+json, text/event-stream, text/html)" },
  415: { code: "unsupported_media_type", message: "The request body must be application/json (or application/graphql)" },
};

/** Gives yoga's bodiless 406/415 answers a `{"errors": […]}` body with a code. */
export function useCodedEmptyResponses(): Plugin<GraphQLContext> {
  return {
    onResponse({ response, setResponse, fetchAPI }) {
      const known = EMPTY_STATUS_CODES[response.status];
      if (!known || response.headers.get("content-type")) return;
      const body = JSON.stringify({ errors: [{ message: known.message, extensions: { code: known.code } }] });
      setResponse(new fetchAPI.Response(body, { status: response.status, headers: { "content-type": "application/json; charset=utf-8" } }));
    },
  };
}
