// Classify a photo: with a preset's freshly initialised weights, or with
// published weights such as torchvision's AlexNet (.pth, converted on load).
//
//   node dist/examples/classify.js photo.jpg                       # random torchvision-preset weights
//   node dist/examples/classify.js photo.jpg alexnet-owt-7be5be79.pth
import { createNetwork, loadNetwork } from 'alexnet-ts';

const [photo, weights] = process.argv.slice(2);
if (!photo) throw new Error('usage: classify <photo> [weights.pth|.safetensors|.caffemodel]');

// The preset, classes and preprocessing come from the weights file; without
// one, a seeded initialisation of the torchvision preset.
const net = weights ? await loadNetwork(weights) : await createNetwork({ preset: 'torchvision', seed: 1 });

const top5 = await net.classify(photo);
for (const c of top5) console.log(`${(100 * c.probability).toFixed(2).padStart(6)}%  ${c.label}`);
console.log(JSON.stringify({ backend: net.backend, preset: net.preset, top5 }));
