// Image similarity as in the paper's Figure 4 (right): each image's fc7
// activations (the 4096-d last hidden layer), and for each image the others
// nearest to it in Euclidean distance.
//
//   node dist/examples/features.js weights.pth a.jpg b.jpg c.jpg …
import { loadNetwork } from 'alexnet-ts';

const [weights, ...photos] = process.argv.slice(2);
if (!weights || photos.length < 2) throw new Error('usage: features <weights> <photo> <photo> [<photo>…]');

const net = await loadNetwork(weights);
const fc7 = await net.features(photos, { layer: 'fc7' });

const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const neighbours = photos.map((photo, i) => {
  const others = photos.map((other, j) => ({ other, distance: distance(fc7[i], fc7[j]) })).filter((_, j) => j !== i);
  others.sort((a, b) => a.distance - b.distance);
  console.log(`${photo}: nearest ${others[0].other} (${others[0].distance.toFixed(1)})`);
  return { photo, nearest: others.map((o) => o.other) };
});
console.log(JSON.stringify({ dimensions: fc7[0].length, neighbours }));
