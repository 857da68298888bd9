/**
 * The bench's reference point: the least a node:http server can do for a request like ours — read
 * the body, answer a fixed JSON body of the same size as partnerplane's answer. Run by bench/run.ts
 * as `node --import tsx bench/bareServer.ts <port> <answer bytes>`.
 */
import http from 'node:http';

const [port, bytes] = process.argv.slice(2).map(Number);
const EMPTY = '{"padding":""}';
const body = `{"padding":"${'x'.repeat(Math.max(0, bytes! - EMPTY.length))}"}`;
const headers = {
  'Content-Type': 'application/x-amz-json-1.1',
  'Content-Length': Buffer.byteLength(body),
  'x-amzn-RequestId': '00000000-0000-4000-8000-000000000000',
};

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log('bare server listening'));
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
