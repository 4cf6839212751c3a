// The flame graph's shape as the service returns it, in a types-only module: the renderer imports
// it without pulling in Node code.

/** One frame on one call path: everything sampled with this path as a prefix of its stack. */
export interface FlameNode {
  /** Function name as pprof prints it (inlined functions are frames of their own). */
  readonly name: string;
  /** Sum of the sample values whose stack passes through this path (includes pruned children). */
  readonly value: number;
  /** Sum of the sample values whose stack ends here (pprof's flat, on this path only). */
  readonly self: number;
  /** `value` and `self` as the top table prints them (pprof's rounding, in `FlameGraph.outputUnit`). */
  readonly valueText: string;
  readonly selfText: string;
  /** Callees, by name. */
  readonly children: readonly FlameNode[];
}

export interface FlameGraph {
  readonly sampleType: string;
  /** The sample type's unit ("nanoseconds", "bytes", "count"). */
  readonly unit: string;
  /** The unit values are printed in, as `pprof -top` picks it ("s", "MB"; "count" prints bare numbers). */
  readonly outputUnit: string;
  /** Sum of |value| over all samples: pprof's total, what percentages are of. */
  readonly total: number;
  /** The root: all samples (its value is the signed sum, equal to `total` unless a base was subtracted). */
  readonly root: FlameNode;
  /** Nodes in the whole tree, and nodes left out of `root` by the size cutoff and the node cap. */
  readonly nodeCount: number;
  readonly prunedNodes: number;
}
