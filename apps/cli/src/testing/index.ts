export { startCli, type CliProcess } from './cli-process.js';
