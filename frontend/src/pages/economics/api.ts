// Client of /api/economics (documented in docs/economics.md). Errors become Error objects carrying the problem detail.

export type ProjectDoc = Record<string, Record<string, unknown>>;

export interface Metrics {
  npv: number;
  irr: number | null;
  irr_reason: string | null;
  payback_years: number | null;
  payback_from_construction_start_years: number | null;
  npv_by_rate: Record<string, number>;
}

export interface Evaluation extends Metrics {
  project: string;
  currency: string;
  product: string;
  discount_rate: number;
  pre_tax: Metrics;
  attributable: Metrics & { equity_share: number };
  unit_costs: { unit: string; opex_per_unit: number | null; c1_per_unit: number | null; aisc_per_unit: number | null };
  breakeven_price: number | null;
  government_take: Record<string, number | null>;
  warnings: string[];
  cash_flow: Record<string, number | string>[];
  provenance: { inputs_sha256: string; version: string };
}

export interface TornadoRow {
  driver: string;
  npv_low: number;
  npv_high: number;
  swing: number;
}

export interface Sensitivity {
  base_npv: number;
  range: number;
  tornado: TornadoRow[];
  spider: { steps: number[]; npv: Record<string, number[]> };
}

export interface MonteCarlo {
  summary: Record<string, number>;
  histogram: { counts: number[]; edges: number[] };
  provenance: { seed: number };
}

export interface Example {
  file: string;
  text: string;
  project: ProjectDoc;
}

export interface ChecklistItem {
  item_id: string;
  framework: string;
  topic: string;
  question: string;
  red_flag: boolean;
}

export interface EsgResult {
  score: number | null;
  rating: string;
  assessed: number;
  total: number;
  red_flags: string[];
}

export interface StoredProject {
  id: number;
  name: string;
  currency: string;
  npv: number;
  irr: number | null;
  payback_years: number | null;
  visibility: string;
}

export interface CompareRow {
  id: number;
  name: string;
  currency: string;
  npv: number;
  irr: number | null;
  payback_years: number | null;
  breakeven_price: number | null;
  attributable_npv: number;
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  const init: RequestInit = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(url, { ...init, headers: { Accept: "application/json", ...(init.headers ?? {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = typeof problem?.detail === "string" ? problem.detail : JSON.stringify(problem?.detail ?? problem);
    } catch {
      /* keep the status text */
    }
    throw new Error(detail);
  }
  return (await response.json()) as T;
}

const BASE = "/api/economics";

export const econApi = {
  examples: () => call<Example[]>(`${BASE}/examples`),
  checklist: () => call<ChecklistItem[]>(`${BASE}/checklist`),
  parse: (text: string, format: string) => call<{ project: ProjectDoc; name: string }>(`${BASE}/parse`, { text, format }),
  evaluate: (project: ProjectDoc) => call<Evaluation>(`${BASE}/evaluate`, { project }),
  sensitivity: (project: ProjectDoc, range: number) => call<Sensitivity>(`${BASE}/sensitivity`, { project, range }),
  montecarlo: (project: ProjectDoc, draws: number, seed: number) =>
    call<MonteCarlo>(`${BASE}/montecarlo`, { project, draws, seed, bins: 40 }),
  schedule: (project: ProjectDoc) => call<{ columns: string[]; rows: Record<string, unknown>[] }>(`${BASE}/schedule`, { project }),
  diversify: (schedule: Record<string, unknown>[]) =>
    call<{ results: Record<string, number | string | null>[]; notes: string[] }>("/api/supply/diversify", { schedule }),
  esg: (body: unknown) => call<EsgResult>(`${BASE}/esg`, body),
  store: (project: ProjectDoc) => call<StoredProject>(`${BASE}/projects`, { project, visibility: "public" }),
  projects: () => call<{ total: number; items: StoredProject[] }>(`${BASE}/projects`),
  compare: (ids: number[]) => call<{ table: CompareRow[] }>(`${BASE}/compare?ids=${ids.join(",")}`),
};
