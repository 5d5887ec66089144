import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * FAKE Deepgram live-transcription server, for the cloud adapter's contract
 * test only: the real service cannot be reached from here. It checks the
 * request the adapter makes and answers the way Deepgram documents: interim
 * "Results" while audio arrives, a final one, then it closes on CloseStream.
 */
export async function startFakeDeepgram(expectedKey: string) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  const seen = { auth: '', query: new URLSearchParams(), bytes: 0, closeStream: false };
  server.on('connection', (socket, request) => {
    seen.auth = request.headers.authorization ?? '';
    seen.query = new URL(request.url ?? '/', 'http://x').searchParams;
    if (seen.auth !== `Token ${expectedKey}`) {
      socket.close(4001, 'unauthorized');
      return;
    }
    let sentInterim = false;
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        seen.bytes += (data as Buffer).length;
        if (!sentInterim && seen.bytes >= 16_000) {
          sentInterim = true;
          socket.send(
            JSON.stringify({
              type: 'Results',
              start: 0.5,
              duration: 0.8,
              is_final: false,
              channel: { alternatives: [{ transcript: 'learn test' }] },
            }),
          );
        }
        return;
      }
      const msg = JSON.parse(String(data)) as { type?: string };
      if (msg.type === 'CloseStream') {
        seen.closeStream = true;
        socket.send(
          JSON.stringify({
            type: 'Results',
            start: 0.5,
            duration: 1.7,
            is_final: true,
            channel: { alternatives: [{ transcript: 'learn testing' }] },
          }),
        );
        socket.send(JSON.stringify({ type: 'Metadata', request_id: 'fake' }));
        socket.close(1000);
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
