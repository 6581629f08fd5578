// The admin panel: a SvelteKit single-page app built to dashboard/build and served by the API
// process (src/api/app.ts falls back to index.html for every non-API path).
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', precompress: true, strict: false }),
    // $api: the server's types (src/api/contract.ts), imported with `import type` only.
    alias: { $components: 'src/lib/components', $api: '../src/api' },
  },
};
