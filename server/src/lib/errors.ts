import { ErrorCode as Codes, type ErrorCode } from '@tandem/shared';

/** An expected failure: carries the HTTP status and a code clients can branch on. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthenticated = () => new AppError(401, Codes.Unauthenticated, 'Please sign in.');
export const notFound = (what = 'That') => new AppError(404, Codes.NotFound, `${what} was not found.`);
export const forbidden = (message: string) => new AppError(403, Codes.Forbidden, message);
