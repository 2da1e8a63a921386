// `npm install` hook: builds the native addon with node-gyp against the
// headers of the Node.js that runs this script (its installation prefix has
// include/node), so nothing is downloaded. A failed build is not fatal: the
// library then runs on the reference kernels and says so.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const prefix = path.resolve(process.execPath, '..', '..');
const args = ['rebuild'];
if (existsSync(path.join(prefix, 'include', 'node', 'node.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync('node-gyp', args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  console.warn('alexnet-ts: the native addon did not build; the slow reference kernels will be used (see the messages above)');
}
