// Live training curves on a <canvas>: loss per step, the running training
// error, validation error per epoch (the CLI's figures are SVG files: viz/curves.ts).
export interface CurvePoints {
  readonly loss: number[];
  /** Running top-1 training error of the epoch so far, per step. */
  readonly trainError: number[];
  /** [global step, validation top-1 error] at each epoch's end. */
  readonly valError: [number, number][];
}

export function drawCurves(canvas: HTMLCanvasElement, p: CurvePoints, totalSteps: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const m = { l: 44, r: 40, t: 10, b: 26 };
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const steps = Math.max(totalSteps, p.loss.length, 1);
  const maxLoss = Math.max(2.5, ...p.loss.filter(Number.isFinite).map((v) => Math.min(v, 10)));
  const x = (i: number) => m.l + ((w - m.l - m.r) * i) / steps;
  const yLoss = (v: number) => h - m.b - ((h - m.t - m.b) * Math.min(v, maxLoss)) / maxLoss;
  const yErr = (v: number) => h - m.b - (h - m.t - m.b) * v;
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  for (let k = 0; k <= 4; k++) {
    const v = (maxLoss * k) / 4;
    ctx.fillText(v.toFixed(1), m.l - 4, yLoss(v) + 4);
  }
  ctx.textAlign = 'left';
  for (let k = 0; k <= 4; k++) ctx.fillText(`${25 * k}%`, w - m.r + 4, yErr(k / 4) + 4);
  ctx.textAlign = 'center';
  ctx.fillText(`step (of ${steps})`, (m.l + w - m.r) / 2, h - 6);
  const line = (values: number[], y: (v: number) => number, colour: string) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(x(i + 1), y(v)) : ctx.moveTo(x(i + 1), y(v))));
    ctx.stroke();
  };
  line(p.loss, yLoss, '#2f6fd6');
  line(p.trainError, yErr, '#e08a1e');
  ctx.fillStyle = '#2a9d4b';
  for (const [s, e] of p.valError) {
    ctx.beginPath();
    ctx.arc(x(s), yErr(e), 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}
