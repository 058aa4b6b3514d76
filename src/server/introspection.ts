import { GraphQLError, type ValidationRule } from "graphql";
import type { Plugin } from "@envelop/core";

/*
 * INTROSPECTION=false: `__schema` and `__type` are refused at validation, with a code, so
 * that a production gateway does not describe itself to whoever asks. `__typename` stays
 * (clients rely on it). The SDL remains downloadable for client codegen.
 */

const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (!INTROSPECTION_FIELDS.has(node.name.value)) return;
    context.reportError(new GraphQLError(`Introspection is switched off on this server (INTROSPECTION=false); ${node.name.value} cannot be queried`, {
      nodes: node,
      extensions: { code: "introspection_disabled", http: { status: 400 } },
    }));
  },
});

/** The envelop plugin that refuses introspection. */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}
