// Development-status colours (Okabe–Ito palette, readable with colour-vision deficiency) and labels.
import type { ExpressionSpecification } from "maplibre-gl";

export const STATUS_STYLE: Record<string, { label: string; color: string }> = {
  producer: { label: "Producer", color: "#D55E00" },
  past_producer: { label: "Past producer", color: "#E69F00" },
  deposit: { label: "Deposit", color: "#0072B2" },
  prospect: { label: "Prospect", color: "#56B4E9" },
  occurrence: { label: "Occurrence", color: "#009E73" },
  plant: { label: "Plant", color: "#CC79A7" },
  unknown: { label: "Unknown", color: "#8C8C8C" },
};

export const UNKNOWN_COLOR = STATUS_STYLE.unknown.color;

export function statusLabel(status: string | null | undefined): string {
  return STATUS_STYLE[status ?? "unknown"]?.label ?? String(status);
}

export function statusColor(status: string | null | undefined): string {
  return STATUS_STYLE[status ?? "unknown"]?.color ?? UNKNOWN_COLOR;
}

/** MapLibre expression colouring a point by its `status` property. */
export function statusColorExpression(): ExpressionSpecification {
  const pairs: string[] = [];
  for (const [status, style] of Object.entries(STATUS_STYLE)) pairs.push(status, style.color);
  return ["match", ["get", "status"], ...pairs, UNKNOWN_COLOR] as unknown as ExpressionSpecification;
}
