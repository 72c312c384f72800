export {
  type BenchmarkData,
  type BenchmarkOptions,
  type BenchmarkResult,
  type PerSampleScores,
  runBenchmark,
} from "./benchmark.js";
export {
  BENCHMARK_DATA_FORMATS,
  type BenchmarkDataContext,
  type BenchmarkDataFormat,
  findBenchmarkDataFormat,
  loadBenchmarkData,
} from "./dataFormats.js";
export {
  groupSize,
  type RetrievalScores,
  scoreGroupedRetrieval,
  scoreRetrieval,
  type TypeAccuracy,
  typeAccuracy,
} from "./scoring.js";
export { type ShapesBenchmarkRequest, shapesBenchmarkExamples } from "./shapesHeldout.js";
