import { getArgumentValues, isObjectType, getNamedType, Kind, type GraphQLResolveInfo } from "graphql";
import { ApiError } from "../errors/api-error.js";

/**
 * The arguments of the one field `name` selected under the current (namespace) field.
 * graphql-js runs a subscription's `subscribe` on the root field only, so a stream whose
 * arguments sit on the namespace's inner field (`events { stream(since:) }`) reads them
 * here, coerced exactly as graphql-js would (variables and defaults included).
 * @throws ApiError `invalid_input` when the field is selected more than once (aliases or
 *         fragments asking for two streams in one subscription).
 */
export function nestedFieldArguments(info: GraphQLResolveInfo, name: string): Record<string, unknown> {
  const parentType = getNamedType(info.returnType);
  if (!isObjectType(parentType)) return {};
  const field = parentType.getFields()[name];
  if (!field) return {};
  const nodes = info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []).filter((s) => s.kind === Kind.FIELD && s.name.value === name);
  if (nodes.length > 1) throw new ApiError("invalid_input", `Select \`${name}\` once per subscription`, { field: name });
  const node = nodes[0];
  return node && node.kind === Kind.FIELD ? getArgumentValues(field, node, info.variableValues) : {};
}
