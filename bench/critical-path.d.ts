/** Types of bench/critical-path.js (read there for the model). */
export interface PlannedChange {
  id: string;
  kind: string;
  action: 'create' | 'update' | 'delete' | 'noop';
  dependsOn?: string[];
}

export interface CriticalPath {
  sts: number;
  reads: number;
  writes: number;
  total: number;
  chain: string[];
}

export const READ_DEPTH: Record<string, number>;
export const CREATE_DEPTH: Record<string, number>;
export function isRead(operation: string): boolean;
export function classifyCalls(calls: Record<string, number>): { reads: number; writes: number; total: number };
export function criticalPath(
  changes: PlannedChange[],
  options?: { stsCalls?: number; createDepth?: Record<string, number>; readDepth?: Record<string, number> },
): CriticalPath;
