// The goroutine rows' spans rasterised into pixels, then drawn onto the canvas in one blit.
// Zoomed out, a row is a folded span per pixel, each a stack of up to six state shares: 45 rows
// are ~250 000 rectangles a frame. As Path2D rectangles filled by colour, Chromium's software
// rasteriser took 0.5–0.9 s a frame (and building the paths a third of that); written straight
// into an ImageData it takes ~50–100 ms. Rectangles snap to device pixels as the path version
// snapped them horizontally (at least one device pixel wide), and now vertically too.

/** RGBA of an opaque '#rrggbb'/'#rgb' colour or an 'rgb(a)(…)' one, as a little-endian pixel. */
function pixelOf(color: string): number {
  let r = 0, g = 0, b = 0, a = 255;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(color.trim());
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else if (rgb) {
    [r, g, b] = [rgb[1], rgb[2], rgb[3]].map((v) => Math.round(Number(v)));
    if (rgb[4] !== undefined) a = Math.round(Number(rgb[4]) * 255);
  }
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export class PixelLayer {
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);
  private surface: OffscreenCanvas | null = null;
  private readonly colors = new Map<string, number>();
  /** The area's top left corner, in device pixels of the canvas. */
  private left = 0;
  private top = 0;
  private dpr = 1;

  /** Starts a frame over the area [x, x + width) × [y, y + height) in CSS pixels, cleared. */
  begin(x: number, y: number, width: number, height: number, dpr: number): void {
    const w = Math.max(1, Math.round(width * dpr));
    const h = Math.max(1, Math.round(height * dpr));
    if (!this.image || this.image.width !== w || this.image.height !== h) {
      this.image = new ImageData(w, h);
      this.pixels = new Uint32Array(this.image.data.buffer);
      this.surface = new OffscreenCanvas(w, h);
    } else {
      this.pixels.fill(0);
    }
    this.left = Math.round(x * dpr);
    this.top = Math.round(y * dpr);
    this.dpr = dpr;
  }

  /** Fills [x0, x1) × [y, y + h) (CSS pixels) snapped to device pixels, at least one wide and one high. */
  add(color: string, x0: number, x1: number, y: number, h: number): void {
    const image = this.image;
    if (!image) return;
    let pixel = this.colors.get(color);
    if (pixel === undefined) this.colors.set(color, (pixel = pixelOf(color)));
    const dpr = this.dpr;
    const a = Math.round(x0 * dpr);
    const b = Math.max(a + 1, Math.round(x1 * dpr));
    const c = Math.round(y * dpr);
    const d = Math.max(c + 1, Math.round((y + h) * dpr));
    const xa = Math.max(0, a - this.left);
    const xb = Math.min(image.width, b - this.left);
    const ya = Math.max(0, c - this.top);
    const yb = Math.min(image.height, d - this.top);
    const px = this.pixels;
    const w = image.width;
    for (let row = ya; row < yb; row++) px.fill(pixel, row * w + xa, row * w + xb);
  }

  /** Draws the frame's pixels onto `ctx`, scaled by the device pixel ratio (over what it holds: empty pixels are transparent). */
  drawTo(ctx: CanvasRenderingContext2D): void {
    if (!this.image || !this.surface) return;
    this.surface.getContext('2d')!.putImageData(this.image, 0, 0);
    const smoothing = ctx.imageSmoothingEnabled;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.surface, this.left / this.dpr, this.top / this.dpr, this.image.width / this.dpr, this.image.height / this.dpr);
    ctx.imageSmoothingEnabled = smoothing;
  }
}
