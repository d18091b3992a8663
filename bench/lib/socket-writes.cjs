// Preloaded into a bench's bot (`node --require bench/lib/socket-writes.cjs`): counts the writes on
// its TCP sockets by remote port (each a `write` or `writev` system call, the largest item of the
// bot's CPU profile; writes a corked socket buffers count once, when they leave) and, on SIGUSR2,
// writes the counts as JSON to the file named by BENCH_SOCKET_WRITES.
const net = require('node:net');
const { renameSync, writeFileSync } = require('node:fs');

const counts = {};
// _writeGeneric is what both _write and _writev call to hand bytes to the system.
const write = net.Socket.prototype._writeGeneric;
net.Socket.prototype._writeGeneric = function countedWrite(...args) {
  const port = this.remotePort ?? 'unknown';
  counts[port] = (counts[port] ?? 0) + 1;
  return write.apply(this, args);
};
process.on('SIGUSR2', () => {
  const file = process.env.BENCH_SOCKET_WRITES;
  if (!file) return;
  // Written whole under another name, then renamed: the reader waits for the name to appear and
  // must never read it half written.
  writeFileSync(`${file}.part`, JSON.stringify(counts));
  renameSync(`${file}.part`, file);
});
