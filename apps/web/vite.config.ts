import { defaultClientConditions, defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

/** Where `npm run dev` expects the API server (apps/server listens on 3000 by default). */
const API_ORIGIN = "http://localhost:3000";

export default defineConfig({
  plugins: [
    react(),
    // The service worker precaches the app shell (index.html, the hashed scripts and styles, the
    // icons and the manifest), listed with a content hash each build, so a deploy is a new worker.
    // `prompt`: a new worker waits until the person presses Reload (src/appUpdate.ts); a silent
    // swap could reload the page under someone who is typing. It caches nothing at run time: API
    // answers (/api/*) and the socket (/ws) always go to the network.
    VitePWA({
      registerType: "prompt",
      // Registered from src/main.tsx (virtual:pwa-register): no inline script for the CSP to allow.
      injectRegister: false,
      manifest: {
        name: "Tandem",
        short_name: "Tandem",
        description: "A todo list that stays in sync, live, across every device you sign in on.",
        // --page in src/styles.css (and index.html's theme-color): the bar matches the page.
        theme_color: "#f5f5f5",
        background_color: "#f5f5f5",
        display: "standalone",
        start_url: "/",
        scope: "/",
        icons: [
          { src: "pwa-192x192.png", sizes: "192x192", type: "image/png" },
          { src: "pwa-512x512.png", sizes: "512x512", type: "image/png" },
          { src: "maskable-icon-512x512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        // Any page load offline gets the cached shell, except the server's own paths.
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/ws$/, /^\/healthz$/],
        cleanupOutdatedCaches: true,
        runtimeCaching: [],
      },
    }),
  ],
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
