// The home-screen icons in public/ are generated from public/icon.svg and committed; after
// changing the SVG, run from apps/web: `npx @vite-pwa/assets-generator@2` (it reads this file).
// Maskable and Apple icons get the page colour behind a padded copy, so a launcher's round or
// squircle mask never cuts into the ring.
const background = { background: "#f5f5f5" };

export default {
  images: ["public/icon.svg"],
  preset: {
    transparent: { sizes: [192, 512], favicons: [] },
    maskable: { sizes: [512], padding: 0.1, resizeOptions: background },
    apple: { sizes: [180], padding: 0.1, resizeOptions: background },
  },
};
