// Uses vitest only as a JSX-aware runner for the preview build; not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['preview/build.preview.jsx'],
    environment: 'node',
  },
});
