// TypeScript types of a spec document once it has passed the schema (schema/ganspec.schema.json
// is the one definition of its shape; these types only mirror it for the later stages).
import type { DataSourceName } from '../contract/data';

export type Shape = number[];
export type Ref = string;

export interface LayerItem {
  id?: string;
  from?: Ref | Ref[];
  use?: string;
  args?: Record<string, unknown>;
  repeat?: number;
  [kind: string]: unknown;
}

export type LayerEntry = string | LayerItem;

export interface NetworkSpec {
  like?: string;
  /** An exponential moving average of another network's weights (resolve.ts). */
  ema?: { of: string; decay?: number; start?: number };
  description?: string;
  inputs?: Record<string, Shape | 'image' | 'label'>;
  layers?: LayerEntry[];
  outputs?: Record<string, string | LayerEntry[]>;
}

/** A learning-rate schedule: constant (no decay), or linear decay from step `start` to 0 at `end`. */
export interface DecaySpec {
  linear?: { start: number; end?: number };
}

export interface OptimizerSpec {
  adam?: { lr: number; beta1?: number; beta2?: number; epsilon?: number; decay?: DecaySpec };
  rmsprop?: { lr: number; rho?: number; momentum?: number; epsilon?: number; decay?: DecaySpec };
  sgd?: { lr: number; decay?: DecaySpec };
}

export interface PhaseSpec {
  name?: string;
  update: string | string[];
  loss?: string;
  repeat?: number;
  clip?: number;
  /** Its own optimizer, or the name of one declared under `optimizers` (shared by the phases naming it). */
  optimizer: OptimizerSpec | string;
}

export interface Spec {
  extends?: string;
  name: string;
  paper?: string;
  description?: string;
  /** Warnings are errors for this spec (as with --strict). */
  strict?: boolean;
  data: {
    source: DataSourceName;
    image: [number, number, number];
    range?: [number, number];
    path?: string;
    labels?: string;
    limit?: number;
  };
  sample?: Record<string, string>;
  blocks?: Record<string, { params?: string[]; layers: LayerEntry[] }>;
  networks: Record<string, NetworkSpec>;
  losses: Record<string, string>;
  optimizers?: Record<string, OptimizerSpec>;
  schedule: { batch: number; steps: number; phases: PhaseSpec[] };
  preview: { every?: number; show: string[]; rows?: number; cols?: number; per_row?: string[]; per_col?: string[] };
  checkpoint?: { every?: number; keep?: number };
  augment?: { policy: ('color' | 'translation' | 'cutout')[]; networks: string[] };
}
