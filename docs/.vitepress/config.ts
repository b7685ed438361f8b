import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type DefaultTheme } from 'vitepress';

// The API sidebar is written by scripts/generate-api.mjs on every build.
const apiSidebarFile = new URL('../api/sidebar.json', import.meta.url);
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];

export default defineConfig({
  // Site metadata in one shared chunk instead of inlined into every page.
  metaChunk: true,
  title: 'diffmac',
  description: 'Blind face restoration with diffusion priors, as small typed Node packages that match the Python references.',
  cleanUrls: true,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  ignoreDeadLinks: false,
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Guides', link: '/guide/architecture' },
      { text: 'Tasks', link: '/tasks/custom-pipeline' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', link: '/api/' }, ...apiSidebar],
      '/': [
        { text: 'Start', items: [{ text: 'Getting started', link: '/getting-started' }] },
        {
          text: 'Packages',
          items: [
            { text: 'Architecture', link: '/guide/architecture' },
            { text: '@diffmac/base', link: '/guide/base' },
            { text: '@diffmac/scheduler', link: '/guide/scheduler' },
            { text: '@diffmac/mib', link: '/guide/mib' },
            { text: '@diffmac/core', link: '/guide/core' },
            { text: '@diffmac/face-align', link: '/guide/face-align' },
            { text: '@diffmac/eval', link: '/guide/eval' },
            { text: '@diffmac/cli', link: '/guide/cli' },
          ],
        },
        {
          text: 'Tasks',
          items: [
            { text: 'Compose a custom pipeline', link: '/tasks/custom-pipeline' },
            { text: 'Evaluate on a CelebA-Test-style set', link: '/tasks/evaluate' },
            { text: 'Bring your own weights', link: '/tasks/bring-your-own-weights' },
            { text: 'The DiffMAC method', link: '/tasks/method' },
          ],
        },
      ],
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
  vite: { server: { fs: { allow: ['..'] } } },
});
