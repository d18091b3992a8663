// Preloaded into a bench's bot (`node --require bench/lib/socket-writes.cjs`): counts the writes on
// its TCP sockets by remote port (each a `write` or `writev` system call, the largest item of the
// bot's CPU profile; writes a corked socket buffers count once, when they leave) and, on SIGUSR2,
// writes the counts as JSON to the file named by BENCH_SOCKET_WRITES.
const net = require('node:net');
const { writeFileSync } = require('node:fs');

const counts = {};
// _writeGeneric is what both _write and _writev call to hand bytes to the system.
const write = net.Socket.prototype._writeGeneric;
net.Socket.prototype._writeGeneric = function countedWrite(...args) {
  const port = this.remotePort ?? 'unknown';
  counts[port] = (counts[port] ?? 0) + 1;
  return write.apply(this, args);
};
process.on('SIGUSR2', () => {
  if (process.env.BENCH_SOCKET_WRITES)
    writeFileSync(process.env.BENCH_SOCKET_WRITES, JSON.stringify(counts));
});
