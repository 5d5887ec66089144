// The same workload and measurement as Tandem's (server/dist/bench/loadCore.js), through each
// peer's own client library: @hocuspocus/provider 3.4 or y-websocket's WebsocketProvider.
//   node load.mjs <hocuspocus|y-websocket> <url> <sessions> <serverPid> <seconds>; prints JSON.
import { HocuspocusProvider } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { runLoad, yMessage } from '../../server/dist/bench/loadCore.js';

const [system = '', url = '', sessionsRaw = '10', serverPid = '0', seconds = '10'] = process.argv.slice(2);
const run = `${Date.now().toString(36)}`;
// y-websocket's provider adds a process exit listener per connection.
process.setMaxListeners(0);

/** @type {import('../../server/dist/bench/loadCore.js').Connect} */
async function connect(index, who) {
  const name = `note-${run}-${index}`;
  const doc = new Y.Doc();
  if (system === 'hocuspocus') {
    // One socket per typist, as each browser has its own.
    const provider = new HocuspocusProvider({ url, WebSocketPolyfill: WebSocket, name, document: doc, quiet: true });
    await new Promise((resolve) => provider.on('synced', resolve));
    return {
      doc,
      awareness: provider.awareness,
      isRemote: (origin) => origin === provider,
      // The provider counts the updates the server has not acknowledged yet.
      flushed: async () => {
        while (provider.unsyncedChanges > 0) await new Promise((r) => setTimeout(r, 5));
      },
      // Hocuspocus's messages start with the document's name; its socket is the provider's socket's.
      lean: (arrived) => {
        const socket = provider.configuration.websocketProvider;
        return leanLink(socket.webSocket, name, arrived, {
          // Its own reader, which also notes when a message came (it reconnects after 30 s without one).
          take: (listener) => {
            const handlers = socket.webSocketHandlers[socket.webSocket.identifier];
            socket.webSocket.removeEventListener('message', handlers.message);
            const ours = (event) => {
              socket.lastMessageReceived = Date.now();
              listener(event, handlers.message);
            };
            socket.webSocket.addEventListener('message', ours);
            handlers.message = ours;
          },
        });
      },
      close: () => provider.destroy(),
    };
  }
  if (system === 'y-websocket') {
    const provider = new WebsocketProvider(url, name, doc, { WebSocketPolyfill: WebSocket, disableBc: true });
    await new Promise((resolve) => provider.once('sync', resolve));
    return {
      doc,
      awareness: provider.awareness,
      isRemote: (origin) => origin === provider,
      // y-websocket has no acknowledgements: a short pause lets the socket drain.
      flushed: () => new Promise((r) => setTimeout(r, 20)),
      lean: (arrived) =>
        leanLink(provider.ws, null, arrived, {
          take: (listener) => {
            const theirs = provider.ws.onmessage;
            provider.ws.onmessage = (event) => {
              provider.wsLastMessageReceived = Date.now();
              listener(event, theirs);
            };
          },
        }),
      close: () => provider.destroy(),
    };
  }
  throw new Error(`unknown system ${system} (typist ${who})`);
}

/**
 * The lean path (server/src/bench/loadCore.ts, LeanLink) for the y-protocols messages both peers
 * speak, each after the document's name where the system sends one (Hocuspocus): a keystroke is the sync
 * message of its update (0, 2, the update) and then the awareness message of its caret (1, the
 * update), as both providers send them; a frame that holds the partner's update is recognised
 * by those two bytes. Awareness messages and Hocuspocus's acknowledgements (SyncStatus, 8) are
 * dropped; everything else goes on to the provider.
 */
function leanLink(ws, documentName, arrived, { take }) {
  /** Where a message's type is: after the name (an empty message is the name and its payload's length byte). */
  const at = documentName === null ? 0 : yMessage(documentName, [], new Uint8Array()).length - 1;
  take((event, provider) => {
    const data = event.data;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const type = bytes[at];
    if (type === 0 && bytes[at + 1] === 2) arrived();
    else if (type !== 1 && type !== 8) provider(event);
  });
  return {
    send(update, caret) {
      ws.send(yMessage(documentName, [0, 2], update));
      ws.send(yMessage(documentName, [1], caret));
    },
  };
}

const result = await runLoad({
  Y,
  sessions: Number(sessionsRaw),
  serverPid: Number(serverPid),
  seconds: Number(seconds),
  connect,
  lean: process.env.BENCH_GENERATOR === 'lean',
});
process.stdout.write(JSON.stringify(result));
process.exit(0);
