import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { prepareOperation, RequestRefused, type Transport } from "./operation.js";
import type { DocumentLimits } from "./limits.js";

interface Prepared {
  document: DocumentNode;
}

/**
 * Parsed and validated documents by query text, least recently used first out. Clients
 * send the same few documents again and again; parsing and validating each time was a
 * large part of a request's CPU. Only documents that passed are kept; the caller-specific
 * checks (transport, credentials) run on every request.
 */
export class DocumentCache {
  private readonly entries = new Map<string, Prepared>();

  constructor(private readonly schema: GraphQLSchema, private readonly limits: DocumentLimits, private readonly size = 1000) {}

  /** @throws RequestRefused like prepareOperation. */
  prepare(query: string, operationName: string | null | undefined, transport: Transport, authenticated: boolean): { document: DocumentNode; operation: OperationDefinitionNode } {
    const hit = this.entries.get(query);
    if (hit) {
      this.entries.delete(query);
      this.entries.set(query, hit);
      // Validation is known to pass; run only the per-request checks.
      return prepareOperation(this.schema, { query, operationName }, transport, authenticated, this.limits, hit.document);
    }
    const prepared = prepareOperation(this.schema, { query, operationName }, transport, authenticated, this.limits);
    this.entries.set(query, { document: prepared.document });
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return prepared;
  }
}

export { RequestRefused };
