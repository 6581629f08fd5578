// A single-page app: everything renders in the browser, and the API is the only server.
export const ssr = false;
export const prerender = false;
