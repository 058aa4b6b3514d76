import {
  GraphQLError, Kind, getOperationAST, parse, validate, specifiedRules,
  type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from "graphql";
import { toRequestError } from "./request-errors.js";
import { limitRules, parseWithLimit, type DocumentLimits } from "./limits.js";

/** The transports an operation can arrive on; each supports some operation types only. */
export type Transport = "http" | "sse" | "ws";

/** A request refused before execution: HTTP status and the errors to send. */
export class RequestRefused extends Error {
  constructor(readonly status: number, readonly errors: readonly GraphQLError[]) {
    super(errors[0]?.message ?? "request refused");
  }
}

// Root fields anyone may use: MongooseIM protects every category except checkAuth.
const PUBLIC_ROOT_FIELDS = new Set(["checkAuth", "__typename", "__schema", "__type"]);

/**
 * Whether the operation needs an authenticated caller: any mutation or subscription, and
 * any query selecting a root field other than `checkAuth` (or introspection).
 */
export function requiresCredentials(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation !== "query") return true;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const seen = new Set<string>();
  const touchesProtected = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return !PUBLIC_ROOT_FIELDS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return touchesProtected(selection.selectionSet);
      const name = selection.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      const fragment = fragments.get(name);
      return fragment ? touchesProtected(fragment.selectionSet) : false;
    });
  return touchesProtected(operation.selectionSet);
}

/** MongooseIM's `no_permissions` error, naming the operation (or ROOT). */
export function noPermissionsError(operationName: string | undefined | null): GraphQLError {
  const op = operationName || "ROOT";
  return new GraphQLError(`Cannot execute query ${op} without permissions`, {
    path: [op],
    extensions: { code: "no_permissions", http: { status: 401 } },
  });
}

/** MongooseIM's refusal of an operation type the transport does not carry. */
export function unsupportedOperation(transport: Transport, type: string): GraphQLError | undefined {
  const allowed = transport === "http" ? type !== "subscription" : transport === "sse" ? type === "subscription" : true;
  if (allowed) return undefined;
  return new GraphQLError(`The ${transport} execution method does not support ${type} operations.`, {
    extensions: { code: "unsupported_operation", http: { status: 400 } },
  });
}

/**
 * The checks that depend on the request rather than the document: an operation to run,
 * a transport that carries its type, and credentials when it needs them. Read-only
 * transports (HTTP GET) refuse mutations with 405, as GraphQL over HTTP requires.
 * @throws RequestRefused with MongooseIM's codes.
 */
export function checkOperation(
  document: DocumentNode,
  operationName: string | undefined,
  transport: Transport,
  authenticated: boolean,
  options: { readOnly?: boolean } = {},
): OperationDefinitionNode {
  const operation = getOperationAST(document, operationName);
  if (!operation) {
    const message = operationName ? `Unknown operation named "${operationName}".` : "Must provide operation name if query contains multiple operations.";
    throw new RequestRefused(400, [toRequestError(new GraphQLError(message))]);
  }
  if (options.readOnly && operation.operation === "mutation") {
    throw new RequestRefused(405, [new GraphQLError("Can only perform a mutation operation from a POST request.", {
      extensions: { code: "method_not_allowed", http: { status: 405, headers: { allow: "POST" } } },
    })]);
  }
  const unsupported = unsupportedOperation(transport, operation.operation);
  if (unsupported) throw new RequestRefused(400, [unsupported]);
  if (!authenticated && requiresCredentials(operation, document)) {
    throw new RequestRefused(401, [noPermissionsError(operationName ?? operation.name?.value)]);
  }
  return operation;
}

/**
 * The pipeline's document steps without its cache and plugins: parse, validate (with
 * the limits when given), then {@link checkOperation}.
 * @throws RequestRefused with MongooseIM's codes.
 */
export function prepareOperation(
  schema: GraphQLSchema,
  request: { query: string; operationName?: string | null },
  transport: Transport,
  authenticated: boolean,
  limits?: DocumentLimits,
): { document: DocumentNode; operation: OperationDefinitionNode } {
  let document: DocumentNode;
  try {
    document = limits ? parseWithLimit(request.query, limits) : parse(request.query);
  } catch (error) {
    throw new RequestRefused(400, [toRequestError(error as GraphQLError)]);
  }
  const errors = validate(schema, document, limits ? [...specifiedRules, ...limitRules(limits)] : specifiedRules);
  if (errors.length > 0) throw new RequestRefused(400, errors.map(toRequestError));
  return { document, operation: checkOperation(document, request.operationName ?? undefined, transport, authenticated) };
}
