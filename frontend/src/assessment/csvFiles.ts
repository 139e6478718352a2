// Reading the two assessment input files in the browser, for a preview and the GT scatter before a run.
// The service parses (and validates) the same text again; these readers only need to be lenient and clear.
//
//   GT model (MapMark4 layout):  ID,Name,<ore tonnage, t>,<grade % per element>…   e.g. ID,Name,Ore,Cu,Au
//   Expert estimates:            Name,Weight,N90,N50,N10 (one row per expert)

/** Split CSV text into rows of fields (RFC 4180 quoting; blank lines dropped). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f.trim() !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== "")) rows.push(row);
  return rows.map((r) => r.map((f) => f.trim()));
}

export interface GtDeposit {
  id: string;
  name: string;
  ore_t: number;
  /** Grade in % per element symbol (NaN where missing). */
  grades_pct: Record<string, number>;
}

export interface GtTable {
  tonnageColumn: string;
  elements: string[];
  deposits: GtDeposit[];
}

export class CsvError extends Error {}

function num(value: string): number {
  if (value === "" || /^(na|nan|null)$/i.test(value)) return Number.NaN;
  return Number(value);
}

/** Read a MapMark4-layout GT table. Throws CsvError naming the file, row and column on bad input. */
export function readGtCsv(text: string, file = "GT file"): GtTable {
  const rows = parseCsv(text);
  if (rows.length < 2) throw new CsvError(`${file}: expected a header and at least one deposit row, found ${rows.length} row(s)`);
  const header = rows[0];
  if (header.length < 4)
    throw new CsvError(`${file}: expected columns ID,Name,<ore t>,<grade % per element>…; found ${header.join(",")}`);
  const elements = header.slice(3);
  const deposits = rows.slice(1).map((r, i) => {
    const ore = num(r[2] ?? "");
    if (!(ore > 0)) throw new CsvError(`${file}: row ${i + 1}, column ${header[2]}: ore tonnage "${r[2] ?? ""}" is not a positive number`);
    const grades_pct: Record<string, number> = {};
    elements.forEach((el, j) => {
      const g = num(r[3 + j] ?? "");
      if (!Number.isNaN(g) && !(g >= 0 && g < 100))
        throw new CsvError(`${file}: row ${i + 1}, column ${el}: grade ${r[3 + j]} % is outside [0, 100)`);
      grades_pct[el] = g;
    });
    return { id: r[0] ?? "", name: r[1] ?? "", ore_t: ore, grades_pct };
  });
  return { tonnageColumn: header[2], elements, deposits };
}

export interface ExpertEstimate {
  name: string;
  weight: number;
  n90: number;
  n50: number;
  n10: number;
}

/** Read an expert-estimates table (Name,Weight,N90,N50,N10). */
export function readEstimatesCsv(text: string, file = "estimates file"): ExpertEstimate[] {
  const rows = parseCsv(text);
  if (rows.length < 2) throw new CsvError(`${file}: expected a header and at least one expert row`);
  const header = rows[0].map((c) => c.toLowerCase());
  const col = (name: string) => {
    const j = header.indexOf(name.toLowerCase());
    if (j < 0) throw new CsvError(`${file}: no column ${name}; expected Name,Weight,N90,N50,N10, found ${rows[0].join(",")}`);
    return j;
  };
  const [cn, cw, c90, c50, c10] = ["Name", "Weight", "N90", "N50", "N10"].map(col);
  return rows.slice(1).map((r, i) => {
    const e = { name: r[cn], weight: num(r[cw]), n90: num(r[c90]), n50: num(r[c50]), n10: num(r[c10]) };
    for (const [k, v] of Object.entries(e))
      if (k !== "name" && !Number.isFinite(v as number)) throw new CsvError(`${file}: row ${i + 1}, column ${k}: "${v}" is not a number`);
    return e;
  });
}
