// Train the small `mini` AlexNet for one epoch on the Fashion-MNIST subset
// shipped in the package, with a progress line per step, then evaluate it as
// the paper does (top-1 and top-5 error, centre crop and 10 views).
//
//   node dist/examples/train-mini.js [run-folder]
import { evaluate, train } from 'alexnet-ts';

const runDir = process.argv[2]; // optional: checkpoints, metrics and model.safetensors go there

const result = await train({
  preset: 'mini',
  epochs: 1,
  runDir,
  onStep: (s) => {
    if (s.step % 10 === 0 || s.step === s.stepsPerEpoch) {
      console.log(`step ${s.step}/${s.stepsPerEpoch}  loss ${s.loss.toFixed(3)}  lr ${s.learningRate}  ${s.imagesPerSecond.toFixed(0)} img/s  ETA ${s.etaSeconds.toFixed(0)} s`);
    }
  },
  onEpoch: (e) => console.log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(3)}, validation top-1 error ${(100 * (e.valTop1Error ?? NaN)).toFixed(2)}%`),
});

const centre = await evaluate(result.network, { views: 1 });
const tenViews = await evaluate(result.network, { views: 10 });
console.log(`validation: top-1 error ${(100 * centre.top1Error).toFixed(2)}% (centre crop), ${(100 * tenViews.top1Error).toFixed(2)}% (10 views)`);
console.log(JSON.stringify({ status: result.status, history: result.history, centre, tenViews, checkpoint: result.checkpoint }));
