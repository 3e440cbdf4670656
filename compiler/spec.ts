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
  description?: string;
  inputs?: Record<string, Shape | 'image' | 'label'>;
  layers?: LayerEntry[];
  outputs?: Record<string, string | LayerEntry[]>;
}

export interface OptimizerSpec {
  adam?: { lr: number; beta1?: number; beta2?: number; epsilon?: number };
  rmsprop?: { lr: number; rho?: number; momentum?: number; epsilon?: number };
  sgd?: { lr: number };
}

export interface PhaseSpec {
  name?: string;
  update: string | string[];
  loss?: string;
  repeat?: number;
  clip?: number;
  optimizer: OptimizerSpec;
}

export interface Spec {
  extends?: string;
  name: string;
  paper?: string;
  description?: string;
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
  schedule: { batch: number; steps: number; phases: PhaseSpec[] };
  preview: { every?: number; show: string[]; rows?: number; cols?: number; per_row?: string[]; per_col?: string[] };
  checkpoint?: { every?: number; keep?: number };
  augment?: { policy: ('color' | 'translation' | 'cutout')[]; networks: string[] };
}
