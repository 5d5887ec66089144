/**
 * Error codes every API answer and socket ack may carry. Clients branch on the
 * code, never on the message, which is for people.
 */
export const ErrorCode = {
  /** The body, params or query did not match the shared schema. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** No valid session cookie. */
  Unauthenticated: 'UNAUTHENTICATED',
  /** Signed in, but this user may not do this. */
  Forbidden: 'FORBIDDEN',
  /** Does not exist, or the caller may not know it exists. */
  NotFound: 'NOT_FOUND',
  /** Wrong email or password. */
  InvalidCredentials: 'INVALID_CREDENTIALS',
  /** Too many attempts; try again later. */
  RateLimited: 'RATE_LIMITED',
  /** The session does not open to join yet (see its joinOpensAt). */
  NotYetOpen: 'NOT_YET_OPEN',
  /** The session has ended or was cancelled: it is read-only. */
  SessionClosed: 'SESSION_CLOSED',
  /** A note update builds on changes the server lacks: the client must resync. */
  OutOfSync: 'OUT_OF_SYNC',
  /** The socket has not joined that session's note. */
  NotJoined: 'NOT_JOINED',
  /** The request came from an origin that is not allowed. */
  BadOrigin: 'BAD_ORIGIN',
  /** The body is larger than the server accepts. */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The account has been deactivated by the programme's staff. */
  AccountDeactivated: 'ACCOUNT_DEACTIVATED',
  /** A link (invitation, set-up, password reset) that has been used already. */
  LinkUsed: 'LINK_USED',
  /** A link past its expiry. */
  LinkExpired: 'LINK_EXPIRED',
  /** A link that was revoked, or never existed. */
  LinkInvalid: 'LINK_INVALID',
  /** Something with the same key exists already (an account with this email). */
  Conflict: 'CONFLICT',
  /** Password sign-in is switched off: sign in with the organisation's accounts. */
  PasswordSignInOff: 'PASSWORD_SIGNIN_OFF',
  /** The organisation's sign-in did not go through (not invited, email not verified, state mismatch). */
  SignInRefused: 'SIGNIN_REFUSED',
  /** Something went wrong on the server; details are in its log. */
  Internal: 'INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
