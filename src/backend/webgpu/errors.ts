// Device faults as one error type whose message says what happened and what
// to try; the trainer stops on it with the last checkpoint intact.
export type WebGpuFault = 'unavailable' | 'lost' | 'out-of-memory' | 'error';

export class WebGpuError extends Error {
  constructor(readonly fault: WebGpuFault, message: string) {
    super(message);
    this.name = 'WebGpuError';
  }
}
