// Light or dark: follows the OS (prefers-color-scheme) unless the user picked one; the choice is
// remembered in localStorage. Applied as <html data-theme="…"> for the CSS variables in app.css.

export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'goroscope.theme';
const media = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

class Theme {
  choice = $state<ThemeChoice>(storedChoice());
  private systemDark = $state(media.matches);
  effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    media.addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  /** system → light → dark → system. */
  cycle(): void {
    this.choice = this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system';
    if (this.choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, this.choice);
  }
}

export const theme = new Theme();
