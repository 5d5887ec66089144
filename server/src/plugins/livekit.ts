import fp from 'fastify-plugin';
import { AccessToken } from 'livekit-server-sdk';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    livekit: {
      config: Config['livekit'];
      /** A join-only token for one room: identity = user id, no admin or recording grants. */
      mintToken(input: { identity: string; name: string; roomName: string }): Promise<{ token: string; expiresAt: string }>;
    };
  }
}

/** LiveKit access: our server mints tokens; media never passes through it. */
export default fp<{ livekit: Config['livekit'] }>(
  async (app, { livekit }) => {
    app.decorate('livekit', {
      config: livekit,
      async mintToken({ identity, name, roomName }) {
        const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, name, ttl: livekit.tokenTtlSeconds });
        at.addGrant({
          room: roomName,
          roomJoin: true,
          canPublish: true,
          canSubscribe: true,
          canPublishData: true,
          roomCreate: false,
          roomAdmin: false,
          roomList: false,
          roomRecord: false,
        });
        const token = await at.toJwt();
        return { token, expiresAt: new Date(Date.now() + livekit.tokenTtlSeconds * 1000).toISOString() };
      },
    });
  },
  { name: 'livekit' },
);
