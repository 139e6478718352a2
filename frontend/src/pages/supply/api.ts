// Client of /api/supply (documented in docs/supply.md). Errors become Error objects carrying the problem detail.

export interface SupplyStage {
  stage: string;
  years: number[];
  editions: string[];
}

export interface SupplyCommodity {
  symbol: string;
  name: string;
  aliases: string[];
  basis: string;
  stages: SupplyStage[];
}

export interface Concentration {
  commodity: string;
  stage: string;
  year: number;
  shares: Record<string, number>;
  iso3: Record<string, string>;
  iso_numeric: Record<string, string>;
  hhi: number;
  hhi_wgi: number;
  top1_country: string;
  top1_share: number;
  top3_share: number;
  other_share: number;
  source: string;
  unit: string;
  flags: string[];
}

export interface SeriesRow {
  year: number;
  hhi: number;
  hhi_wgi: number;
  top1_country: string;
  top1_share: number;
  top3_share: number;
  source: string;
}

export interface ProfileRow {
  stage: string;
  year: number;
  hhi: number;
  hhi_wgi: number;
  top1_country: string;
  top1_share: number;
  top3_share: number;
}

export interface CriticalityRow {
  method: string;
  commodity: string;
  year: number | string;
  stage: string;
  supply_risk: number | null;
  importance: number | null;
  critical: boolean | null;
  lists: string[];
}

export interface ScenarioResult {
  name: string;
  commodity: string;
  stage: string;
  restricted_share: number;
  lost_share: number;
  price_change: number;
  quantity_change: number;
  partner: Record<string, number | string | null> | null;
  downstream: { stage: string; output_loss_fraction: number }[];
  monte_carlo: {
    draws: number;
    seed: number;
    price_change_percentiles: Record<string, number>;
    histogram: number[];
    histogram_edges: number[];
    histogram_overflow: number;
  } | null;
  elasticity_source: string;
  notes: string[];
}

export interface NdfebResult {
  flows: Record<string, Record<string, number>>;
  stage_totals_t: Record<string, number>;
  stage_shares: Record<string, Record<string, number> | null>;
  stage_hhi: Record<string, number | null>;
  bottleneck: string;
  reo_per_t_magnet: number;
  mass_balance_max_error: number;
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: { Accept: "application/json", ...(init.headers ?? {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const body = await response.json();
      detail = typeof body?.detail === "string" ? body.detail : JSON.stringify(body?.detail ?? body);
    } catch {
      /* keep the status text */
    }
    throw new Error(detail);
  }
  return (await response.json()) as T;
}

function post<T>(url: string, body: unknown): Promise<T> {
  return call<T>(url, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
}

const BASE = "/api/supply";

export const supplyApi = {
  commodities: () => call<SupplyCommodity[]>(`${BASE}/commodities`),
  concentration: (commodity: string, stage: string, year: number) =>
    call<Concentration>(`${BASE}/concentration?${new URLSearchParams({ commodity, stage, year: String(year) })}`),
  series: (commodity: string, stage: string) =>
    call<SeriesRow[]>(`${BASE}/series?${new URLSearchParams({ commodity, stage })}`),
  profile: (commodity: string, year: number) =>
    call<{ worst_stage: string | null; stages: ProfileRow[] }>(`${BASE}/profile?${new URLSearchParams({ commodity, year: String(year) })}`),
  lists: () => call<Record<string, string[]>>(`${BASE}/lists`),
  criticality: (body: Record<string, unknown>) => post<{ results: CriticalityRow[]; notes: string[] }>(`${BASE}/criticality`, body),
  scenario: (toml: string) => post<ScenarioResult>(`${BASE}/scenario`, { toml }),
  ndfeb: (query: Record<string, string>) => call<NdfebResult>(`${BASE}/ndfeb?${new URLSearchParams(query)}`),
};
