import { defaultClientConditions, defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/** Where `npm run dev` expects the API server (apps/server listens on 3000 by default). */
const API_ORIGIN = "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  // Workspace packages export their TypeScript source under the "source" condition. Setting
  // `conditions` replaces Vite's defaults (module, browser, development|production), so they
  // are listed again after it.
  resolve: { conditions: ["source", ...defaultClientConditions] },
  server: {
    // The app is served from one origin in production; in development these proxies keep it so.
    // The Host header is deliberately left as the browser sent it (no changeOrigin): the server
    // builds the socket URI from Host and checks the socket's Origin against it, so both must
    // name the dev server for the socket to be accepted.
    proxy: {
      "/api": { target: API_ORIGIN },
      // SOCKET_PATH in @tandem/protocol; spelled out because the config is loaded by Node before
      // any workspace package is built.
      "/ws": { target: API_ORIGIN.replace(/^http/, "ws"), ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true },
});
