// Figures of docs/paper.md §6.1 and the run report: conv1 kernels, neighbour
// sheets, training curves, the HTML page.
export { writeReport, type ReportOptions } from './report.js';
export { curvesSvg, readEpochMetrics } from './curves.js';
export * from './filters.js';
export { filterGrid } from './filters-png.js';
export * from './contact-sheet.js';
export { Canvas, svgToPng, writePng, dataUri } from './png.js';
