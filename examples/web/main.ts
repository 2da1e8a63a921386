// A web page that classifies a dropped image, with the browser entry of
// alexnet-ts (bundled with `esbuild main.ts --bundle --platform=browser`).
// Weights: ?weights=<url of a .safetensors/.pth>; without it, the
// torchvision preset's seeded initialisation. ?backend=reference skips WebGPU.
import { createNetwork, loadNetwork, type Classification } from 'alexnet-ts';

const params = new URLSearchParams(location.search);
const backend = params.get('backend') === 'reference' ? 'reference' : undefined;
const weights = params.get('weights');
const status = document.getElementById('status')!;
const list = document.getElementById('top5')!;
const preview = document.getElementById('preview') as HTMLImageElement;

// What the page did, for people (the page) and for tests (window.example).
const state: { ready: boolean; backend: string; top5: Classification[] | null; error: string | null } = { ready: false, backend: '', top5: null, error: null };
(window as unknown as { example: typeof state }).example = state;

const net = await (weights ? loadNetwork(weights, { backend }) : createNetwork({ preset: 'torchvision', backend }));
state.backend = net.backend;
state.ready = true;
status.textContent = `${net.preset} network on ${net.backend}: drop an image.`;

async function classify(file: Blob): Promise<void> {
  try {
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    status.textContent = 'Classifying…';
    const top5 = await net.classify(file, { topK: 5 });
    list.replaceChildren(...top5.map((c) => Object.assign(document.createElement('li'), { textContent: `${c.label} (${(100 * c.probability).toFixed(1)}%)` })));
    status.textContent = `${net.preset} network on ${net.backend}.`;
    state.top5 = top5;
  } catch (e) {
    state.error = (e as Error).message;
    status.textContent = state.error;
  }
}

const drop = document.getElementById('drop')!;
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void classify(file);
});
document.getElementById('file')!.addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void classify(file);
});
