import {
  GraphQLError, execute, parse, specifiedRules, subscribe, validate,
  type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, type GraphQLSchema,
} from "graphql";
import { envelop, useEngine, useSchema, type Plugin } from "@envelop/core";
import type { GraphQLContext } from "../graphql/context.js";
import { DocumentCache, useDocumentCache } from "./document-cache.js";
import { useDocumentLimits, type DocumentLimits } from "./limits.js";
import { checkOperation, RequestRefused, type Transport } from "./operation.js";
import { readParams, type GraphQLParams, type RawParams } from "./request-params.js";
import { toRequestError } from "./request-errors.js";
import { formatErrors, formatResult, type FormattedResult } from "./format-result.js";
import type { OperationInfo } from "../telemetry/telemetry.js";

/*
 * The one request pipeline. Every transport (JSON/form POST, GET, SSE, graphql-ws)
 * hands it the parameters it read and the caller's Authorization header; it checks the
 * parameters, authenticates, parses (cached), validates with the abuse limits, checks
 * the operation against the transport and the credentials, builds the context, executes
 * or subscribes, and formats the outcome with MongooseIM's codes and HTTP statuses.
 * Transports only adapt I/O.
 *
 * It runs on envelop, the plugin core graphql-yoga is built on: plugins written for
 * yoga/envelop (metrics, tracing, logging) see every request of every transport. The
 * HTTP side is our own thin adapter rather than yoga's, whose per-request Fetch API
 * objects cost more CPU than the XMPP work of a warm query.
 */

/** Who is calling: the Authorization header as received and the client's address. */
export interface RequestCredentials {
  authorization: string | undefined;
  clientIp: string;
}

/** A response to send as it is, or a stream of results (a subscription). */
export type Outcome =
  | ({ kind: "result" } & FormattedResult)
  | { kind: "stream"; results: AsyncGenerator<FormattedExecutionResult, void, undefined>; stop(): void };

/** An operation checked and ready to run on its context. */
export interface PreparedOperation {
  readonly args: ExecutionArgs;
  /** Executes (query, mutation) or subscribes (subscription). */
  run(): Promise<ExecutionResult | AsyncGenerator<ExecutionResult, void, undefined>>;
}

export interface PipelineOptions {
  schema: GraphQLSchema;
  limits: DocumentLimits;
  /** Memory budget of the parsed-document cache. */
  documentCacheBytes: number;
  /** Turns credentials into a context. @throws ApiError (mapped by `toGraphQLError`) or GraphQLError. */
  createContext(credentials: RequestCredentials): Promise<GraphQLContext>;
  /** Maps what `createContext` throws to a GraphQLError with an `http` status hint; rethrows the rest. */
  toGraphQLError(error: unknown): GraphQLError;
  log(error: unknown): void;
  /** More envelop plugins (metrics, tracing); they see every transport's requests. */
  plugins?: Plugin[];
}

/** Options of one request that only its transport knows. */
export interface RequestOptions {
  /** HTTP GET: mutations are refused with 405. */
  readOnly?: boolean;
  /** Where a resumed stream goes on from (SSE's `Last-Event-ID`); see GraphQLContext. */
  resumeFrom?: string;
  /** Told who the operation is once it passed its checks (for the access log and metrics). */
  onOperation?: (info: OperationInfo) => void;
}

export interface Pipeline {
  /** Runs one request end to end. Never throws: an unexpected failure is a 500 outcome. */
  serve(transport: Transport, raw: RawParams | RequestRefused, credentials: RequestCredentials, options?: RequestOptions): Promise<Outcome>;
  /** Authenticates once for a long-lived connection (graphql-ws). @throws GraphQLError with an `http` hint. */
  authenticate(credentials: RequestCredentials): Promise<GraphQLContext>;
  /** Prepares one operation on an existing context (graphql-ws subscribe). @throws RequestRefused. */
  prepare(transport: Transport, params: GraphQLParams, context: GraphQLContext, options?: RequestOptions): PreparedOperation;
  /** The outcome of a request that failed in a way no step expected: logged, then 500. */
  internalError(error: unknown): Outcome;
  readonly documents: DocumentCache;
}

/** The body MongooseIM's clients get for a failure inside the gateway itself. */
const INTERNAL_ERROR = new GraphQLError("GraphQL Internal Server Error", {
  extensions: { code: "internal_server_error", http: { status: 500 } },
});

/** Builds the pipeline; one per app. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const documents = new DocumentCache(options.documentCacheBytes);
  const getEnveloped = envelop({
    plugins: [
      useEngine({ parse, validate, specifiedRules, execute, subscribe }),
      useSchema(options.schema),
      useDocumentCache(documents),
      useDocumentLimits(options.limits),
      ...(options.plugins ?? []),
    ],
  });
  const { log } = options;

  async function authenticate(credentials: RequestCredentials): Promise<GraphQLContext> {
    try {
      return await options.createContext(credentials);
    } catch (error) {
      throw options.toGraphQLError(error);
    }
  }

  function prepare(transport: Transport, params: GraphQLParams, context: GraphQLContext, requestOptions: RequestOptions = {}): PreparedOperation {
    // A copy: plugins may extend the context, which graphql-ws shares between operations.
    const enveloped = getEnveloped(requestOptions.resumeFrom === undefined ? { ...context } : { ...context, resumeFrom: requestOptions.resumeFrom });
    let document;
    try {
      document = enveloped.parse(params.query);
    } catch (error) {
      if (error instanceof GraphQLError) throw new RequestRefused(400, [toRequestError(error)]);
      throw error;
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) throw new RequestRefused(400, errors.map(toRequestError));
    const operation = checkOperation(document, params.operationName, transport, context.caller !== undefined, requestOptions);
    requestOptions.onOperation?.({ operationName: operation.name?.value ?? params.operationName, operationType: operation.operation, user: context.caller?.jid });
    const args: ExecutionArgs = {
      schema: enveloped.schema,
      document,
      variableValues: params.variables,
      operationName: params.operationName,
      contextValue: context,
    };
    const subscription = operation.operation === "subscription";
    return {
      args,
      run: async () => {
        const contextValue = await enveloped.contextFactory();
        const runArgs = { ...args, contextValue };
        return subscription ? enveloped.subscribe(runArgs) : enveloped.execute(runArgs);
      },
    };
  }

  function refusal(error: RequestRefused): Outcome {
    const formatted = formatErrors(error.errors);
    return { kind: "result", ...formatted, status: Math.max(formatted.status, error.status) };
  }

  function internalError(error: unknown): Outcome {
    log(error);
    return { kind: "result", ...formatErrors([INTERNAL_ERROR]) };
  }

  async function serve(transport: Transport, raw: RawParams | RequestRefused, credentials: RequestCredentials, requestOptions?: RequestOptions): Promise<Outcome> {
    try {
      if (raw instanceof RequestRefused) return refusal(raw);
      // MongooseIM checks the parameters, then the credentials, then the document.
      const params = readParams(raw);
      let context: GraphQLContext;
      try {
        context = await authenticate(credentials);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        return refusal(new RequestRefused((error.extensions.http as { status?: number } | undefined)?.status ?? 400, [error]));
      }
      const result = await prepare(transport, params, context, requestOptions).run();
      if (Symbol.asyncIterator in result) return stream(result);
      // Errors without a path (variables that do not fit the operation, a subscription
      // that could not start) refuse the request before anything ran, like MongooseIM.
      if ((result.data === undefined || result.data === null) && result.errors?.length && result.errors.every((e) => !e.path)) {
        return refusal(new RequestRefused(400, result.errors.map(toRequestError)));
      }
      const formatted = formatResult(result, log);
      // A subscription that ended before it began is a refusal, not an empty stream.
      if (transport === "sse") return { kind: "result", ...formatted, status: Math.max(formatted.status, 400) };
      return { kind: "result", ...formatted };
    } catch (error) {
      if (error instanceof RequestRefused) return refusal(error);
      return internalError(error);
    }
  }

  function stream(results: AsyncGenerator<ExecutionResult, void, undefined>): Outcome {
    async function* formatted() {
      for await (const result of results) yield formatResult(result, log).body;
    }
    return { kind: "stream", results: formatted(), stop: () => void results.return(undefined) };
  }

  return { serve, authenticate, prepare, internalError, documents };
}
