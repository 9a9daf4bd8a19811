import { performance } from "node:perf_hooks";

/**
 * The one clock of the driver: monotonic, sub-microsecond, in milliseconds. Intended send times,
 * response times and receive times all come from it, and all in this one process, so a latency
 * is a difference of two readings of the same clock.
 */
export const now = () => performance.now();

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
