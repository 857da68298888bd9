/**
 * A round-robin TCP splitter in one process, for the bench's replicas: each connection accepted is
 * joined to the next replica in turn, for as long as it stays open (HTTP keep-alive, so the load
 * generator's connections spread evenly over the replicas). Run by bench/postgres.ts as
 * `node --import tsx bench/splitter.ts <port> <replica port> <replica port> …`.
 */
import net from 'node:net';

const [port, ...replicas] = process.argv.slice(2).map(Number);
let next = 0;

const server = net.createServer((client) => {
  const replica = net.connect(replicas[next++ % replicas.length]!, '127.0.0.1');
  client.setNoDelay(true);
  replica.setNoDelay(true);
  client.pipe(replica).pipe(client);
  const close = () => {
    client.destroy();
    replica.destroy();
  };
  client.once('error', close).once('close', close);
  replica.once('error', close).once('close', close);
});
server.listen(port, '127.0.0.1', () => console.log('splitter listening'));
process.once('SIGTERM', () => process.exit(0));
