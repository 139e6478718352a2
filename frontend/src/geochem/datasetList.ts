// The list of uploaded geochemistry datasets (newest first); clicking one opens it.
import type { GeochemDataset } from "../api";
import { h } from "../dom";

function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function datasetList(datasets: GeochemDataset[], activeId: number | null, onSelect: (id: number) => void): HTMLElement {
  if (!datasets.length) return h("p", { class: "muted small", id: "geochem-datasets" }, "No datasets yet: upload an assay file.");
  return h(
    "ol",
    { class: "run-list", id: "geochem-datasets" },
    datasets.map((d) => {
      const item = h(
        "li",
        { tabindex: 0, role: "button", "data-dataset-id": d.id, class: d.id === activeId ? "active" : "" },
        h("span", { class: "run-name" }, `#${d.id} ${d.name ?? d.filename ?? ""}`),
        h("span", { class: "status-pill" }, d.visibility ?? ""),
        h(
          "span",
          { class: "run-meta" },
          [d.n_samples !== undefined && d.n_samples !== null ? `${d.n_samples.toLocaleString("en-GB")} rows` : null, d.has_coordinates ? "located" : null, when(d.created_at ?? d.imported_at)]
            .filter(Boolean)
            .join(" · "),
        ),
      );
      item.addEventListener("click", () => onSelect(d.id));
      item.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") onSelect(d.id);
      });
      return item;
    }),
  );
}
