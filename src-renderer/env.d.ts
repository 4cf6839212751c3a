// Imports Vite resolves that TypeScript does not know: stylesheets.
declare module '*.css';
