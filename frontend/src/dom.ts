// Small DOM helpers: build elements from data without innerHTML (values from the API are never parsed as HTML).

type Child = Node | string | number | null | undefined | false;
export type Children = Child | Children[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(key.replace(/^on/, "").toLowerCase(), value);
    } else if (key === "class") {
      el.className = String(value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of (children as unknown[]).flat(Infinity) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Format a number for tables: fixed significant digits, thin thousands separators, "—" for missing. */
export function fmt(value: number | null | undefined, maxDigits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : Math.max(0, maxDigits - Math.floor(Math.log10(abs)) - 1);
  return value.toLocaleString("en-GB", { maximumFractionDigits: Math.min(digits, 6) });
}

export function text(value: unknown): string {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}
