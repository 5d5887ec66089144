// The peers' servers, each as its maker documents it, on loopback:
//   node servers.mjs hocuspocus <port>            Hocuspocus 3.4, no persistence
//   node servers.mjs hocuspocus-sqlite <port> <file>  Hocuspocus 3.4 + its SQLite extension (debounced stores)
//   node servers.mjs y-websocket <port>           the y-websocket server (@y/websocket-server), in memory
import http from 'node:http';

const [system = '', portRaw = '0', file = ''] = process.argv.slice(2);
const port = Number(portRaw);

if (system === 'hocuspocus' || system === 'hocuspocus-sqlite') {
  const { Server } = await import('@hocuspocus/server');
  const extensions = [];
  if (system === 'hocuspocus-sqlite') {
    const { SQLite } = await import('@hocuspocus/extension-sqlite');
    extensions.push(new SQLite({ database: file }));
  }
  const server = new Server({ port, address: '127.0.0.1', quiet: true, extensions });
  await server.listen();
} else if (system === 'y-websocket') {
  const { WebSocketServer } = await import('ws');
  const { setupWSConnection } = await import('@y/websocket-server/utils');
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((_req, res) => res.end('ok'));
  wss.on('connection', (conn, req) => setupWSConnection(conn, req, { docName: (req.url ?? '/').slice(1).split('?')[0], gc: true }));
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  server.listen(port, '127.0.0.1');
} else {
  process.stderr.write(`unknown system ${system}\n`);
  process.exit(64);
}
process.stdout.write('ready\n');
