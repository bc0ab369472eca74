/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a local `kataven-hub api` (KATAVEN_API, default :8081).
const api = process.env.KATAVEN_API ?? "http://127.0.0.1:8081";
const proxied = ["/api", "/widget", "/recordings", "/.well-known"];

export default defineConfig({
  plugins: [react()],
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false }])) },
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
