import type { DataType, TensorInfo } from "@tensorflow/tfjs";
import * as tf from "@tensorflow/tfjs";

/**
 * Runs our own WGSL compute programs on tfjs's WebGPU backend. tfjs's WebGPUProgram API
 * gives one output per dispatch, so a LayerNorm (y and row statistics), an attention
 * (context and log-sum-exp) or AdamW (parameters and both moments) would need several
 * dispatches; this runner binds any number of outputs (read_write) and inputs (read) in one
 * dispatch, sharing the backend's command encoder, buffer manager and bookkeeping exactly
 * as `WebGPUBackend.recordAndSubmit` does (tfjs 4.22, the last release, so these internals
 * are frozen). It also copies buffer ranges without a dispatch (flat AdamW's gather and
 * scatter).
 */

/** The parts of tfjs-backend-webgpu's WebGPUBackend (4.22) this runner uses. */
export interface GpuBackend {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { resource?: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  uploadToGPU(dataId: object): void;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  makeUniforms(uniforms: Uniform[]): GPUBufferBinding;
  commandQueueOwnedIds: WeakSet<object>;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  computePassEncoder: GPUComputePassEncoder | null;
  commandEncoder: GPUCommandEncoder | null;
  dispatchCountInPass: number;
  submitQueue(): void;
  activeTimers?: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet?: GPUQuerySet | null;
  querySetCount: number;
  getQueryTime(): Promise<number>;
}

export interface Uniform {
  type: "int32" | "float32";
  data: number[];
}

export interface ProgramSpec {
  /** Shown in profiles and pipeline labels. */
  name: string;
  /** Names the WGSL uses for the outputs (read_write) and inputs (read), in binding order. */
  outputs: string[];
  inputs: string[];
  /** Scalar uniforms after the implicit `invocations: i32`, as WGSL struct fields. */
  uniforms: { name: string; type: "i32" | "f32" }[];
  /**
   * WGSL defining `fn run(index: i32)`, called once per invocation with index in
   * [0, invocations). Every declared output, input and uniform must be used (bindings
   * the compiler drops would not match the bind group).
   */
  body: string;
  workgroupSize?: number;
  /**
   * Programs that synchronise a workgroup (workgroupBarrier) must not return early, so
   * they get every invocation of the last workgroup and check bounds themselves. The
   * invocation's index within its workgroup is the private `localIndex`.
   */
  unguarded?: boolean;
}

const MAX_WORKGROUPS_PER_DIM = 65535;
/** Compiled pipelines by device and program (program objects are memoised, see cachedPrograms). */
const pipelines = new WeakMap<GPUDevice, WeakMap<ProgramSpec, GPUComputePipeline>>();

/**
 * Memoises a program factory by its arguments, so each variant is one object, compiled
 * once per device, and no shader text is built per dispatch.
 */
export function cachedPrograms<A extends (string | number | boolean)[]>(
  build: (...args: A) => ProgramSpec,
): (...args: A) => ProgramSpec {
  const cache = new Map<string, ProgramSpec>();
  return (...args: A) => {
    const key = args.join("|");
    let spec = cache.get(key);
    if (!spec) {
      spec = build(...args);
      cache.set(key, spec);
    }
    return spec;
  };
}

/** Counts GPU dispatches (ours and tfjs's), for the benchmark's dispatches-per-step figure. */
let dispatchCount = 0;
export function dispatchesSoFar(): number {
  return dispatchCount;
}
const countedBackends = new WeakSet<object>();
/** Makes the backend's own programs count too (idempotent). */
export function countBackendDispatches(backend: object): void {
  if (countedBackends.has(backend)) return;
  countedBackends.add(backend);
  const b = backend as { runWebGPUProgram: (...args: unknown[]) => unknown };
  const original = b.runWebGPUProgram.bind(backend);
  b.runWebGPUProgram = (...args: unknown[]) => {
    dispatchCount++;
    return original(...args);
  };
}

/** Dispatches recorded before a submit, as tfjs's own programs. */
function submitBatchSize(): number {
  return Number(tf.env().get("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE"));
}

function shaderSource(spec: ProgramSpec): string {
  const wg = spec.workgroupSize ?? 64;
  const bindings = [
    ...spec.outputs.map((n, i) => `@group(0) @binding(${i}) var<storage, read_write> ${n} : array<f32>;`),
    ...spec.inputs.map(
      (n, i) => `@group(0) @binding(${spec.outputs.length + i}) var<storage, read> ${n} : array<f32>;`,
    ),
  ];
  const fields = [{ name: "invocations", type: "i32" }, ...spec.uniforms]
    .map((f) => `${f.name} : ${f.type},`)
    .join(" ");
  return `${bindings.join("\n")}
struct Uniforms { ${fields} };
@group(0) @binding(${spec.outputs.length + spec.inputs.length}) var<uniform> u : Uniforms;
var<private> localIndex : u32;
${spec.body}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) nwg : vec3<u32>,
        @builtin(local_invocation_index) lid : u32) {
  let index = i32((wid.y * nwg.x + wid.x) * ${wg}u + lid);
  localIndex = lid;
  ${spec.unguarded ? "" : "if (index >= u.invocations) { return; }"}
  run(index);
}`;
}

function pipelineFor(device: GPUDevice, spec: ProgramSpec): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) {
    cache = new WeakMap();
    pipelines.set(device, cache);
  }
  let pipeline = cache.get(spec);
  if (!pipeline) {
    const module = device.createShaderModule({ code: shaderSource(spec), label: spec.name });
    pipeline = device.createComputePipeline({
      layout: "auto",
      label: spec.name,
      compute: { module, entryPoint: "main" },
    });
    cache.set(spec, pipeline);
  }
  return pipeline;
}

function bufferOf(backend: GpuBackend, t: TensorInfo): GPUBuffer {
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId).resource;
  if (!resource || typeof (resource as GPUBuffer).mapAsync !== "function") {
    throw new Error("fused kernel: a tensor is not backed by a GPU buffer");
  }
  return resource as GPUBuffer;
}

/** Allocates a float32 output tensor on the GPU (uninitialised, as tfjs's own outputs). */
export function allocate(backend: GpuBackend, shape: number[]): TensorInfo {
  const info = backend.makeTensorInfo(shape, "float32");
  backend.uploadToGPU(info.dataId);
  return info;
}

/** Records one dispatch of `spec` writing `outputs` (already allocated) from `inputs`. */
export function dispatch(
  backend: GpuBackend,
  spec: ProgramSpec,
  outputs: TensorInfo[],
  inputs: TensorInfo[],
  invocations: number,
  uniformValues: number[] = [],
): void {
  if (invocations <= 0) return;
  if (outputs.length !== spec.outputs.length || inputs.length !== spec.inputs.length) {
    throw new Error(`fused kernel ${spec.name}: wrong number of tensors`);
  }
  const pipeline = pipelineFor(backend.device, spec);
  const tensors = [...outputs, ...inputs];
  const buffers = tensors.map((t) => bufferOf(backend, t));
  const uniforms: Uniform[] = [
    { type: "int32", data: [invocations] },
    ...spec.uniforms.map(
      (f, i): Uniform => ({
        type: f.type === "i32" ? "int32" : "float32",
        data: [uniformValues[i]],
      }),
    ),
  ];
  const entries: GPUBindGroupEntry[] = buffers.map((buffer, i) => ({ binding: i, resource: { buffer } }));
  entries.push({ binding: buffers.length, resource: backend.makeUniforms(uniforms) });
  for (const t of tensors) backend.commandQueueOwnedIds.add(t.dataId);
  const bindGroup = backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });

  const groups = Math.ceil(invocations / (spec.workgroupSize ?? 64));
  const x = Math.min(groups, MAX_WORKGROUPS_PER_DIM);
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
  const timed = backend.activeTimers != null;
  backend.ensureCommandEncoderReady();
  if (timed && backend.supportTimestampQuery) {
    // As recordAndSubmit: a pass of its own with timestamps, so tf.profile can time it.
    backend.endComputePassEncoder();
    if (backend.querySet == null) {
      backend.querySet = backend.device.createQuerySet({ type: "timestamp", count: backend.querySetCount });
    }
    backend.computePassEncoder = backend.commandEncoder!.beginComputePass({
      timestampWrites: { querySet: backend.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 },
    });
  } else if (!backend.computePassEncoder) {
    backend.computePassEncoder = backend.commandEncoder!.beginComputePass({});
  }
  const pass = backend.computePassEncoder!;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, y, 1);
  backend.dispatchCountInPass++;
  dispatchCount++;
  if (timed) {
    backend.endComputePassEncoder();
    backend.activeTimers!.push({ name: spec.name, query: backend.getQueryTime() });
  } else if (backend.dispatchCountInPass >= submitBatchSize()) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/** Copies `count` floats between tensors' buffers (no dispatch), in queue order with the dispatches. */
export function copyFloats(
  backend: GpuBackend,
  from: TensorInfo,
  fromOffset: number,
  to: TensorInfo,
  toOffset: number,
  count: number,
): void {
  if (count <= 0) return;
  const source = bufferOf(backend, from);
  const target = bufferOf(backend, to);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.commandEncoder!.copyBufferToBuffer(source, fromOffset * 4, target, toOffset * 4, count * 4);
  backend.commandQueueOwnedIds.add(from.dataId);
  backend.commandQueueOwnedIds.add(to.dataId);
}
