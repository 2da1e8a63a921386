// Fine-tune trained weights on your own photos, one sub-folder per class
// (photos/cats/*.jpg, photos/dogs/*.jpg): the classifier is replaced for the
// new classes and the first layers are kept as they are. The folder is
// prepared once (docs/paper.md §5: shorter side to the preset's size, central square).
//
//   node dist/examples/fine-tune.js model.safetensors photos/ [test-photo.jpg]
import { fineTune } from 'alexnet-ts';

const [weights, photos, test] = process.argv.slice(2);
if (!weights || !photos) throw new Error('usage: fine-tune <weights> <folder of class sub-folders> [test photo]');

const controller = new AbortController();
process.once('SIGINT', () => controller.abort()); // Ctrl-C stops after the current step

const result = await fineTune({
  from: weights,
  data: photos,
  freeze: ['conv1', 'conv2', 'conv3'],
  epochs: 3,
  batchSize: 4,
  learningRate: 0.001,
  signal: controller.signal,
  onEpoch: (e) => console.log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(3)}, train error ${(100 * e.trainTop1Error).toFixed(1)}%`),
});
console.log(result.message);
const classes = result.network.classes.map((c) => c.name);
const prediction = test ? await result.network.classify(test, { topK: 1 }) : null;
if (prediction) console.log(`${test}: ${prediction[0].label} (${(100 * prediction[0].probability).toFixed(1)}%)`);
console.log(JSON.stringify({ status: result.status, classes, history: result.history, prediction }));
