// Vite build of the critmin web UI.
//
// `npm run build` writes the production bundle into the Python package
// (src/critmin/service/static/ui/, git-ignored), which the FastAPI service serves:
// index.html at "/" and everything else under "/ui/". `generated/` (made by
// scripts/prepare-assets.mjs: offline basemap + Swagger UI files) is copied verbatim.
import { defineConfig } from "vite";

const api = process.env.CRITMIN_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/ui/",
  publicDir: "generated",
  build: {
    outDir: "../src/critmin/service/static/ui",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500, // MapLibre alone is ~1 MB minified
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running `critmin serve` (set CRITMIN_API to change the target)
    proxy: {
      "/api": api,
      "/docs": api,
      "/openapi.json": api,
      "/conformance": api,
      "/collections": api,
    },
  },
});
