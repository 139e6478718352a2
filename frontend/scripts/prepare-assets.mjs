// Prepare the offline assets that the web UI ships next to the Vite bundle.
//
// Writes into frontend/generated/ (git-ignored), which vite.config.ts uses as `publicDir`,
// so `vite build` copies it into the output directory (src/critmin/service/static/ui/) and
// `vite` (dev) serves it under /ui/:
//
//   basemap/countries.geojson  Natural Earth 4.1.0 admin-0 countries, 1:50m (npm world-atlas,
//                              TopoJSON converted with topojson-client); the default boundary layer.
//   basemap/land.geojson       Natural Earth 4.1.0 land, 1:50m; the land fill.
//   basemap/SOURCES.md         citation and licence of the basemap.
//   favicon.svg                from frontend/static/.
//   swagger/                   swagger-ui-dist files for the self-hosted API docs page (no CDN).
//
// Natural Earth data is public domain; world-atlas is ISC; swagger-ui-dist is Apache-2.0.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "generated");
const DECIMALS = 4; // ~11 m at the equator; far finer than the 1:50m source generalisation

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "basemap"), { recursive: true });
mkdirSync(join(out, "swagger"), { recursive: true });

function roundCoords(value) {
  if (typeof value === "number") {
    const f = 10 ** DECIMALS;
    return Math.round(value * f) / f;
  }
  return value.map(roundCoords);
}

// world-atlas is made for spherical (d3-geo) rendering: rings that cross the antimeridian jump from
// +180 to -180, which a planar renderer such as MapLibre draws as lines across the whole world.
// Unwrap each ring to continuous longitudes (it may then extend past ±180; MapLibre's GeoJSON tiler
// wraps such parts onto the neighbouring world copy), and close rings that circle a pole (Antarctica)
// along the pole's latitude.
function unwrapRing(ring) {
  const out = [[ring[0][0], ring[0][1]]];
  let shift = 0;
  for (let i = 1; i < ring.length; i++) {
    const dx = ring[i][0] - ring[i - 1][0];
    if (dx > 180) shift -= 360;
    else if (dx < -180) shift += 360;
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  if (shift !== 0) {
    // encircles a pole: the last point is one world away from the first
    const poleLat = out.reduce((sum, p) => sum + p[1], 0) < 0 ? -90 : 90;
    const [first, last] = [out[0], out[out.length - 1]];
    out.push([last[0], poleLat], [first[0], poleLat], [first[0], first[1]]);
  }
  const meanLon = out.reduce((sum, p) => sum + p[0], 0) / out.length;
  const offset = meanLon > 180 ? -360 : meanLon < -180 ? 360 : 0;
  return offset ? out.map(([x, y]) => [x + offset, y]) : out;
}

function unwrapGeometry(geometry) {
  if (geometry.type === "Polygon") return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry.type === "MultiPolygon")
    return { ...geometry, coordinates: geometry.coordinates.map((poly) => poly.map(unwrapRing)) };
  return geometry;
}

function topoToGeojson(file, objectName, keepProps) {
  const topo = JSON.parse(readFileSync(require.resolve(`world-atlas/${file}`), "utf8"));
  const fc = feature(topo, topo.objects[objectName]);
  const features = (fc.type === "FeatureCollection" ? fc.features : [fc]).map((f) => ({
    type: "Feature",
    ...(f.id !== undefined ? { id: Number(f.id) } : {}),
    properties: keepProps ? { name: f.properties?.name ?? null, iso_n3: f.id ?? null } : {},
    geometry: f.geometry && unwrapGeometry({ type: f.geometry.type, coordinates: roundCoords(f.geometry.coordinates) }),
  }));
  return { type: "FeatureCollection", features: features.filter((f) => f.geometry) };
}

const atlasVersion = JSON.parse(readFileSync(require.resolve("world-atlas/package.json"), "utf8")).version;
const countries = topoToGeojson("countries-50m.json", "countries", true);
const land = topoToGeojson("land-50m.json", "land", false);
writeFileSync(join(out, "basemap", "countries.geojson"), JSON.stringify(countries));
writeFileSync(join(out, "basemap", "land.geojson"), JSON.stringify(land));
writeFileSync(
  join(out, "basemap", "SOURCES.md"),
  `# Basemap\n\ncountries.geojson and land.geojson: Natural Earth 4.1.0, 1:50m Cultural/Physical Vectors ` +
    `(public domain, https://www.naturalearthdata.com/), via npm world-atlas ${atlasVersion} (ISC), ` +
    `converted from TopoJSON with topojson-client; coordinates rounded to ${DECIMALS} decimals.\n\n` +
    `Boundaries are Natural Earth's de facto view: indicative, not authoritative. A deployment can point ` +
    `the boundary layer at an official file (e.g. the Survey of India boundary) through the service setting.\n`,
);

// Hand-written static files (favicon) are copied as they are.
for (const name of readdirSync(join(here, "..", "static"))) copyFileSync(join(here, "..", "static", name), join(out, name));

const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
for (const name of ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "favicon-16x16.png", "LICENSE", "NOTICE"]) {
  copyFileSync(join(swaggerDir, name), join(out, "swagger", name));
}

console.log(
  `prepare-assets: ${countries.features.length} countries, ${land.features.length} land features, ` +
    `swagger-ui-dist ${JSON.parse(readFileSync(join(swaggerDir, "package.json"), "utf8")).version} -> ${out}`,
);
