// What a WebGPU adapter is, as `alexnet backends` and backendReport() show
// it. Its own file, free of WebGPU's types, so the library's typings do not
// need @webgpu/types.
export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly features: string[];
  readonly limits: Record<string, number>;
}
