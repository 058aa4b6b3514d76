import saslprepLibrary from "@mongodb-js/saslprep";

/*
 * SASLprep (RFC 4013, https://www.rfc-editor.org/rfc/rfc4013): the stringprep profile that
 * SCRAM (RFC 5802 §2.2 Normalize) applies to passwords before deriving keys. Servers store
 * the salted password of the prepared string, so a client that skips a step (maps soft
 * hyphens to nothing, non-ASCII spaces to U+0020, NFKC) derives other keys and is refused.
 * The tables come from @mongodb-js/saslprep, kept up to date by MongoDB's drivers team.
 */

/** The password cannot be prepared: it holds a character SASLprep prohibits. */
export class PasswordPreparationError extends Error {
  override readonly name = "PasswordPreparationError";
}

/**
 * Prepares a password with SASLprep, as a query string (RFC 4013 §2.5: unassigned code
 * points are allowed, so that a server with newer Unicode tables than ours still matches).
 * @throws PasswordPreparationError for a prohibited character or a bidi violation.
 */
export function preparePassword(password: string): string {
  try {
    return saslprepLibrary(password, { allowUnassigned: true });
  } catch (error) {
    throw new PasswordPreparationError((error as Error).message);
  }
}
