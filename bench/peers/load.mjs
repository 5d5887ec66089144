// The same workload and measurement as Tandem's (server/dist/bench/loadCore.js), through each
// peer's own client library: @hocuspocus/provider 3.4 or y-websocket's WebsocketProvider.
//   node load.mjs <hocuspocus|y-websocket> <url> <sessions> <serverPid> <seconds>; prints JSON.
import { HocuspocusProvider } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { runLoad } from '../../server/dist/bench/loadCore.js';

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
      close: () => provider.destroy(),
    };
  }
  throw new Error(`unknown system ${system} (typist ${who})`);
}

const result = await runLoad({ Y, sessions: Number(sessionsRaw), serverPid: Number(serverPid), seconds: Number(seconds), connect });
process.stdout.write(JSON.stringify(result));
process.exit(0);
