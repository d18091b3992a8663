// Preloaded into a bench's bot (`node --require bench/lib/socket-writes.cjs`): counts the writes on
// its TCP sockets by remote port (each is a `write` system call, the largest item of the bot's CPU
// profile) and, on SIGUSR2, writes the counts as JSON to the file named by BENCH_SOCKET_WRITES.
const net = require('node:net');
const { writeFileSync } = require('node:fs');

const counts = {};
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function countedWrite(...args) {
  const port = this.remotePort ?? 'unknown';
  counts[port] = (counts[port] ?? 0) + 1;
  return write.apply(this, args);
};
process.on('SIGUSR2', () => {
  if (process.env.BENCH_SOCKET_WRITES)
    writeFileSync(process.env.BENCH_SOCKET_WRITES, JSON.stringify(counts));
});
