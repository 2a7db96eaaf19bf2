// Builds the dashboard into the Python package (src/polycentric/web/static), served by the API app.
// Reproducible: exact versions from package-lock.json (npm ci), content-hashed file names, no
// timestamps in the output; scripts/build-web.sh prints a checksum of the result.
import { defineConfig } from "vite";

export default defineConfig({
  root: ".",
  base: "./",
  publicDir: "public",
  build: {
    outDir: "../src/polycentric/web/static",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    target: "es2020",
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
