// The list of previous assessment runs (newest first); clicking one shows its tract and results.
import type { RunSummary } from "../api";
import { h } from "../dom";

const STATUS_LABEL: Record<string, string> = { queued: "Queued", running: "Running", done: "Done", failed: "Failed" };

function when(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function runList(runs: RunSummary[], activeId: number | null, onSelect: (id: number) => void): HTMLElement {
  if (!runs.length) return h("p", { class: "muted small", id: "run-list" }, "No runs yet.");
  return h(
    "ol",
    { class: "run-list", id: "run-list" },
    runs.map((r) => {
      const item = h(
        "li",
        { tabindex: 0, role: "button", "data-run-id": r.id, class: r.id === activeId ? "active" : "" },
        h("span", { class: "run-name" }, `#${r.id} ${r.name}`),
        h("span", { class: `status-pill ${r.status}` }, STATUS_LABEL[r.status] ?? r.status),
        h(
          "span",
          { class: "run-meta" },
          [when(r.created_at), `${r.trials.toLocaleString("en-GB")} trials`, r.tract_area_km2 ? `${Math.round(r.tract_area_km2).toLocaleString("en-GB")} km²` : null]
            .filter(Boolean)
            .join(" · "),
        ),
      );
      item.addEventListener("click", () => onSelect(r.id));
      item.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") onSelect(r.id);
      });
      return item;
    }),
  );
}
