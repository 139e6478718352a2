// The NdFeB chain as a Sankey diagram drawn in SVG: one column per stage, link widths proportional to mass (t),
// losses as grey links to a "losses" node under each stage; each stage node shows China's share where cited.
import { s } from "../../assessment/svg";
import type { NdfebResult } from "./api";

const COLUMNS: string[][] = [["mine"], ["separation"], ["metal"], ["alloy"], ["magnet"], ["ev_motors", "wind_turbines", "electronics"]];
const LABELS: Record<string, string> = {
  sysenv: "inputs (Fe, B)", mine: "Mine (RE content)", separation: "Separation (oxides)", metal: "Metal", alloy: "Alloy", magnet: "Magnet",
  ev_motors: "EV motors", wind_turbines: "Wind turbines", electronics: "Electronics", losses: "Losses",
};

function total(flows: NdfebResult["flows"], key: string): number {
  return Object.values(flows[key] ?? {}).reduce((a, b) => a + b, 0);
}

export function sankeyChart(r: NdfebResult): SVGSVGElement {
  const W = 900;
  const H = 360;
  const nodeW = 14;
  const colX = (i: number) => 20 + i * ((W - 160) / (COLUMNS.length - 1));
  const maxFlow = Math.max(...Object.keys(r.flows).map((k) => total(r.flows, k)), 1e-9);
  const k = 150 / maxFlow; // px per tonne
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart sankey", id: "ndfeb-sankey", role: "img",
    "aria-label": "NdFeB chain Sankey diagram" });
  svg.append(s("title", {}, "NdFeB magnet chain: flows in tonnes"));
  const pos: Record<string, { x: number; y: number; h: number; outY: number; inY: number }> = {};
  COLUMNS.forEach((col, i) => {
    let y = 44;
    for (const node of col) {
      const inflow = Object.keys(r.flows).filter((f) => f.endsWith(`=> ${node}`)).reduce((a, f) => a + total(r.flows, f), 0);
      const outflow = Object.keys(r.flows).filter((f) => f.startsWith(`${node} =>`)).reduce((a, f) => a + total(r.flows, f), 0);
      const hgt = Math.max(2, Math.max(inflow, outflow) * k);
      pos[node] = { x: colX(i), y, h: hgt, outY: y, inY: y };
      const share = r.stage_shares[node];
      const china = share ? `China ${(100 * (share["China"] ?? 0)).toFixed(0)} %` : node in r.stage_shares ? "split unknown" : "";
      svg.append(
        s("rect", { x: colX(i), y, width: nodeW, height: hgt, fill: node === r.bottleneck ? "#b0413e" : "#33506b", class: "sankey-node", "data-node": node },
          s("title", {}, `${LABELS[node] ?? node}: ${Math.round(Math.max(inflow, outflow))} t`)),
        s("text", { x: colX(i), y: y - 20, class: "mark-label" }, LABELS[node] ?? node),
        s("text", { x: colX(i), y: y - 7, class: "mark-label sankey-share" }, china),
      );
      y += hgt + 46;
    }
  });
  const lossY = H - 40;
  const links: [string, string][] = Object.keys(r.flows).map((key) => key.split(" => ") as [string, string]);
  for (const [a, b] of links) {
    const t = total(r.flows, `${a} => ${b}`);
    if (t <= 0 || !(a in pos) || (b === "sysenv" && COLUMNS[COLUMNS.length - 1].includes(a))) continue;
    const w = Math.max(1, t * k);
    const src = pos[a];
    const x0 = src.x + nodeW;
    const y0 = src.outY + w / 2;
    src.outY += w;
    let x1: number;
    let y1: number;
    let cls = "sankey-link";
    if (b === "sysenv") {
      x1 = src.x + 60;
      y1 = lossY;
      cls = "sankey-loss";
    } else {
      const dst = pos[b];
      x1 = dst.x;
      y1 = dst.inY + w / 2;
      dst.inY += w;
    }
    const mx = (x0 + x1) / 2;
    svg.append(s("path", { d: `M${x0},${y0} C${mx},${y0} ${mx},${y1} ${x1},${y1}`, fill: "none", stroke: cls === "sankey-loss" ? "#b9b2a6" : "#7fa7c9",
      "stroke-opacity": 0.6, "stroke-width": w, class: cls, "data-flow": `${a} => ${b}` }, s("title", {}, `${a} → ${b === "sysenv" ? "losses" : b}: ${t.toFixed(1)} t`)));
  }
  const alloyIn = total(r.flows, "sysenv => alloy");
  if (alloyIn > 0 && pos.alloy) {
    svg.append(s("text", { x: pos.alloy.x - 70, y: H - 8, class: "mark-label" }, `+ ${Math.round(alloyIn)} t Fe, B added at the alloy stage`));
  }
  return svg;
}
