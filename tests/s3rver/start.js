// An S3-compatible server on loopback for the S3 media store tests (docs/testing.md#s3).
//   node start.js <port> <directory> [--log-requests]
// Port 0 takes a free one. Prints one line, "listening <port>", once it serves; stops on SIGTERM or SIGINT.
// With --log-requests, then one line per request once answered: "request <METHOD> <path> <status>" (the topology
// test counts the DELETEs of each key this way).
'use strict';

const S3rver = require('s3rver');

const [port, directory, ...flags] = process.argv.slice(2);
if (port === undefined || !directory) {
  console.error('usage: node start.js <port> <directory>');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true });
if (flags.includes('--log-requests')) {
  // First in the chain (Koa composes it when the server starts), so it sees every request; the status is the one sent.
  server.middleware.unshift((ctx, next) => {
    ctx.res.once('finish', () => console.log(`request ${ctx.method} ${ctx.path} ${ctx.res.statusCode}`));
    return next();
  });
}
server.run().then(
  address => console.log(`listening ${address.port}`),
  error => {
    console.error(`s3rver could not start: ${error.message}`);
    process.exit(1);
  },
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close().finally(() => process.exit(0)));
}
