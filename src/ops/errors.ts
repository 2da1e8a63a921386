import { formatShape, type Shape } from '../tensor/shape.js';

/** An invalid call of an op: the message names the op and the shapes involved. */
export class OpError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'OpError';
    this.op = op;
  }
}

export function fail(op: string, message: string): never {
  throw new OpError(op, message);
}

export function requireRank(op: string, what: string, shape: Shape, rank: number, layout: string): void {
  if (shape.length !== rank) fail(op, `${what} must be ${rank}-D ${layout}, got ${formatShape(shape)}`);
}

export function requirePositiveInt(op: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) fail(op, `${what} must be a positive integer, got ${v}`);
}

export function requireNonNegativeInt(op: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) fail(op, `${what} must be a non-negative integer, got ${v}`);
}

export function requireFinite(op: string, what: string, v: number): void {
  if (!Number.isFinite(v)) fail(op, `${what} must be a finite number, got ${v}`);
}

export { formatShape };
