// A backend for the runtime tests: serves on PORT what partnerplane told it (its environment) and
// what the gateway forwarded (the request's headers), keeps a count of its starts in its data
// directory, and misbehaves on request through BEHAVIOUR (set by the test catalog):
//   crash          exits with code 3 at once;
//   never-healthy  answers 503 on /health for ever.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const behaviour = process.env.BEHAVIOUR ?? 'serve';
console.log(`backend ${process.env.PARTNERPLANE_APP_NAME} ${process.env.PARTNERPLANE_APP_VERSION} starting (${behaviour})`);
if (behaviour === 'crash') {
  console.error('backend crashing on purpose');
  process.exit(3);
}

const data = process.env.PARTNERPLANE_APP_DATA;
const startsFile = path.join(data, 'starts');
const starts = (fs.existsSync(startsFile) ? Number(fs.readFileSync(startsFile, 'utf8')) : 0) + 1;
fs.writeFileSync(startsFile, String(starts));

const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PARTNERPLANE_') || name === 'PORT' || name === 'GREETING' || name === 'HOME'));
http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(behaviour === 'never-healthy' ? 503 : 200).end();
      return;
    }
    console.log(`served ${req.url}`);
    const body = JSON.stringify({ pid: process.pid, cwd: process.cwd(), starts, env, path: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`backend listening on ${process.env.PORT}`));
process.on('SIGTERM', () => {
  console.log('backend stopping on SIGTERM');
  process.exit(0);
});
