// The tract from a stored prospectivity run: a select of the finished runs the user may see and the share of the
// raster's area to keep (top x %). The chosen run's posterior overview is shown on the map; the service resolves the
// raster (POST /api/workflows/runs with "prospectivity_run") and checks the download right.
import type { ImageSource, LngLatBoundsLike, Map as MlMap } from "maplibre-gl";
import { h } from "../../dom";
import { prospectApi, type ProspectRunSummary } from "../prospectivity/api";

const SOURCE = "wf-prospect";

export class ProspectTract {
  readonly select = h("select", { id: "wf-prospect-run" }, h("option", { value: "" }, "— none: draw or use the example —"));
  readonly topPercent = h("input", { id: "wf-top-percent", type: "number", min: "0.1", max: "100", step: "0.1", value: "10" }) as HTMLInputElement;
  readonly element: HTMLElement;

  constructor(private readonly map: MlMap, private readonly mapReady: Promise<void>, onChange: () => void,
              private readonly signal: AbortSignal) {
    this.element = h("div", { class: "wf-prospect" },
      h("label", { class: "small" }, "or the top share of a prospectivity run's posterior:"),
      h("div", { class: "field-row" }, this.select,
        h("label", { class: "small" }, "top %", this.topPercent)));
    this.select.addEventListener("change", () => {
      void this.show();
      onChange();
    });
  }

  /** The selected run id, or null. */
  get runId(): number | null {
    const v = (this.select as HTMLSelectElement).value;
    return v ? Number(v) : null;
  }

  clear(): void {
    (this.select as HTMLSelectElement).value = "";
    void this.show();
  }

  async load(): Promise<void> {
    try {
      const list = await prospectApi.runs(this.signal);
      const done = list.items.filter((r: ProspectRunSummary) => r.status === "done");
      this.select.replaceChildren(this.select.firstChild as Node,
        ...done.map((r) => h("option", { value: String(r.id) }, `#${r.id} ${r.name}`)));
    } catch {
      /* no prospectivity runs visible: the select stays empty */
    }
  }

  private async show(): Promise<void> {
    await this.mapReady;
    const id = this.runId;
    if (this.map.getLayer(SOURCE)) this.map.removeLayer(SOURCE);
    if (this.map.getSource(SOURCE)) this.map.removeSource(SOURCE);
    if (id === null) return;
    const ov = await prospectApi.overview(id, "posterior", this.signal);
    const [w, s, e, n] = ov.bounds;
    this.map.addSource(SOURCE, { type: "image", url: ov.png, coordinates: [[w, n], [e, n], [e, s], [w, s]] });
    this.map.addLayer({ id: SOURCE, type: "raster", source: SOURCE, paint: { "raster-opacity": 0.7 } });
    (this.map.getSource(SOURCE) as ImageSource | undefined)?.setCoordinates([[w, n], [e, n], [e, s], [w, s]]);
    this.map.fitBounds([[w, s], [e, n]] as LngLatBoundsLike, { padding: 30, duration: 0 });
  }
}
