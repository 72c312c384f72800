export { EvalChart } from "./EvalChart.js";
export { LossChart, SmoothingControls } from "./LossChart.js";
export { ObjectiveCharts, TermChart } from "./ObjectiveCharts.js";
export { OptimChart } from "./OptimChart.js";
export { ThresholdChart } from "./ThresholdChart.js";
export { ViolationChart } from "./ViolationChart.js";
