// A TCP proxy that delays every chunk by a fixed time each way: tenants "on another host" for bench/fleet.mjs,
// where a fleet's concurrency overlaps network round trips as it does against real remote databases. Chunks
// keep their order (timers of equal delay fire in the order they were set). Run as its own process so its work
// is not counted in the measured one. Usage: node bench/latency-proxy.mjs <listen-port> <target-port> <delay-ms>
import net from 'node:net';

const [listenPort, targetPort, delayMs] = process.argv.slice(2).map(Number);
const pipe = (from, to) => {
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
};
const server = net.createServer((client) => {
  client.setNoDelay(true);
  const upstream = net.connect(targetPort, '127.0.0.1');
  upstream.setNoDelay(true);
  pipe(client, upstream);
  pipe(upstream, client);
});
server.listen(listenPort, '127.0.0.1', () => process.stdout.write('ready\n'));
