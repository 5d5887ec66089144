import { ErrorCode } from '@tandem/shared';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { ZodError } from 'zod';
import { AppError } from '../lib/errors.js';

/**
 * The one error handler: expected errors answer with their code, validation
 * errors with the first problem, anything else with a bare 500 whose details
 * stay in the log.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | AppError | ZodError, request, reply) => {
      if (error instanceof AppError) {
        return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message } });
      }
      if (error instanceof ZodError) {
        const first = error.issues[0];
        const where = first?.path.length ? `${first.path.join('.')}: ` : '';
        return reply
          .status(400)
          .send({ error: { code: ErrorCode.ValidationFailed, message: `${where}${first?.message ?? 'invalid input'}` } });
      }
      const status = error.statusCode ?? 500;
      if (status === 413) {
        return reply.status(413).send({ error: { code: ErrorCode.PayloadTooLarge, message: 'The request body is too large.' } });
      }
      if (status === 429) {
        return reply.status(429).send({ error: { code: ErrorCode.RateLimited, message: error.message } });
      }
      if (status >= 400 && status < 500) {
        return reply.status(status).send({ error: { code: ErrorCode.ValidationFailed, message: error.message } });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: ErrorCode.Internal, message: 'Something went wrong on our side.' } });
    });
  },
  { name: 'errors' },
);
