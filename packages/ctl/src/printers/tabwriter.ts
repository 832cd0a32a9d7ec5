/**
 * Go's text/tabwriter as kubectl configures it (minwidth 6, padding 3, spaces): every cell but
 * the last of a line is padded to its column's widest cell plus 3. Widths are remembered across
 * writes, as with tabwriter.RememberWidths, so `get -w` rows stay aligned with the header.
 */
export class TabWriter {
  private widths: number[] = [];

  constructor(
    private readonly minWidth = 6,
    private readonly padding = 3,
  ) {}

  format(lines: string[][]): string {
    for (const line of lines) {
      for (let i = 0; i < line.length - 1; i++) {
        const w = Math.max(this.minWidth, width(line[i]!) + this.padding);
        if (w > (this.widths[i] ?? 0)) this.widths[i] = w;
      }
    }
    let out = "";
    for (const line of lines) {
      let text = "";
      for (let i = 0; i < line.length; i++) {
        const cell = line[i]!;
        text += i === line.length - 1 ? cell : cell + " ".repeat(this.widths[i]! - width(cell));
      }
      out += `${text}\n`;
    }
    return out;
  }
}

function width(text: string): number {
  return [...text].length;
}

export function formatColumns(lines: string[][]): string {
  return new TabWriter().format(lines);
}
