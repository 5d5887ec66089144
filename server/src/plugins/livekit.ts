import fp from 'fastify-plugin';
import { AccessToken, RoomServiceClient, type WebhookEvent, WebhookReceiver } from 'livekit-server-sdk';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    livekit: {
      config: Config['livekit'];
      /** A join-only token for one room: identity = user id, no admin or recording grants. */
      mintToken(input: { identity: string; name: string; roomName: string }): Promise<{ token: string; expiresAt: string }>;
      /** Removes everyone and closes the room (a missing room is fine). */
      closeRoom(roomName: string): Promise<void>;
      /** Takes one person out of a room now (a missing room or participant is fine). */
      removeParticipant(roomName: string, identity: string): Promise<void>;
      /** Names and participant counts of the rooms that exist now. */
      listRooms(names: string[]): Promise<{ name: string; participants: number }[]>;
      /** Verifies a webhook's signature against the raw body; throws when it does not match. */
      receiveWebhook(rawBody: string, authorization: string | undefined): Promise<WebhookEvent>;
    };
  }
}

/** LiveKit access: our server mints tokens; media never passes through it. */
export default fp<{ livekit: Config['livekit'] }>(
  async (app, { livekit }) => {
    // The API speaks HTTP where the browser speaks WebSocket.
    const rooms = new RoomServiceClient(livekit.url.replace(/^ws/, 'http'), livekit.apiKey, livekit.apiSecret);
    const receiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
    app.decorate('livekit', {
      async closeRoom(roomName) {
        try {
          await rooms.deleteRoom(roomName);
        } catch (error) {
          if (!/not found|404/i.test(String(error))) throw error;
        }
      },
      async removeParticipant(roomName, identity) {
        try {
          await rooms.removeParticipant(roomName, identity);
        } catch (error) {
          if (!/not found|404|does not exist/i.test(String(error))) throw error;
        }
      },
      async listRooms(names) {
        const list = await rooms.listRooms(names);
        return list.map((r) => ({ name: r.name, participants: r.numParticipants }));
      },
      receiveWebhook(rawBody, authorization) {
        return receiver.receive(rawBody, authorization);
      },
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
