// `alexnet serve`: the browser app on a local port (src/serve, web/; docs/browser.md).
import type { AddressInfo } from 'node:net';
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { createAppServer } from '../../index.js';

export const serveCommand: Command = {
  spec: {
    name: 'serve',
    summary: 'Serve the browser app: train mini in a web page on WebGPU, watch it learn, classify photos and drawings.',
    usage: ['[--port <n>] [--host <addr>] [--run <dir>]'],
    description: `Opens http://127.0.0.1:<port>/ with the embedded Fashion-MNIST subset. With --run, the page can open
that run's weights (and its report). Only this machine can connect unless --host says otherwise
(e.g. --host 0.0.0.0 for every interface). Ctrl-C stops the server.`,
    options: [
      { name: 'port', type: 'integer', value: '<n>', default: 8080, help: 'TCP port (0: any free port)' },
      { name: 'host', type: 'string', value: '<addr>', default: '127.0.0.1', help: 'address to listen on' },
      { name: 'run', alias: 'o', type: 'string', value: '<dir>', help: 'a run folder (alexnet train --run) whose weights the page may open' },
    ],
    examples: ['alexnet serve', 'alexnet serve --run runs/mini --port 9000'],
  },
  async run(args) {
    const port = args.options.port as number;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('serve', `--port ${port} is not a TCP port (0–65535)`);
    const server = await createAppServer({ runDir: args.options.run as string | undefined, log: (l) => console.error(l) });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port (0: any free port)` : `cannot listen on ${args.options.host}:${port}: ${e.message}`)));
      server.listen(port, args.options.host as string, () => resolve());
    });
    const a = server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    console.log(`alexnet serve: http://${host}:${a.port}/${args.options.run ? ` (run ${args.options.run})` : ''}`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
