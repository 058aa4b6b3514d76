import { accept, defineScalar, reject } from "./define-scalar.js";
import { erlangString } from "./coercion-error.js";

/** Integer scalars: any integral JSON number in JS's safe range (so `5.0` is 5); strings are refused. */

function integerScalar(name: string, description: string, min: number, reason: string) {
  const isValid = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= min;
  return defineScalar<number, number>({
    name,
    description,
    // `+ 0` turns -0 into 0.
    coerce: (input) => (isValid(input) ? accept(input + 0) : reject(erlangString(reason))),
    serialize: (output) => {
      if (isValid(output)) return output;
      throw new TypeError(`${name} cannot represent this value`);
    },
  });
}

export const PosIntScalar = integerScalar(
  "PosInt",
  "An integer greater than zero.",
  1,
  "Value is not a positive integer",
);

export const NonNegIntScalar = integerScalar(
  "NonNegInt",
  "An integer that is zero or greater.",
  0,
  "Value is not a non-negative integer",
);
