// placeholder; replaced by the server wiring
export interface GraphQLContext { placeholder?: never }
