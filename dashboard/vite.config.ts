// `npm run dev:panel`: the panel with hot reload on :5173, proxying /api to Cairn on :3000.
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' } },
  build: { reportCompressedSize: false },
});
