/**
 * Every operation of the API, read from our SDL (schema/): a field of a namespace type
 * (`Query.roster.listContacts`), or a root field that is not a namespace (`Query.checkAuth`).
 */
import { buildSchema, isObjectType, type GraphQLObjectType } from "graphql";
import { loadTypeDefs } from "../../src/graphql/schema.js";

const NAMESPACE_TYPE = /User(Query|Mutation|Subscription)$/;

export function listOperations(): string[] {
  const schema = buildSchema(loadTypeDefs().join("\n"));
  const roots: Array<[string, GraphQLObjectType | null | undefined]> = [
    ["Query", schema.getQueryType()],
    ["Mutation", schema.getMutationType()],
    ["Subscription", schema.getSubscriptionType()],
  ];
  const operations: string[] = [];
  for (const [rootName, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const type = field.type;
      // Namespaces are the `…UserQuery` / `…UserMutation` / `…UserSubscription` types.
      if (isObjectType(type) && NAMESPACE_TYPE.test(type.name)) {
        for (const inner of Object.keys(type.getFields())) operations.push(`${rootName}.${field.name}.${inner}`);
      } else {
        operations.push(`${rootName}.${field.name}`);
      }
    }
  }
  return operations;
}
