/**
 * kubectl's describe output: lines written at an indent level (two spaces each), cells split by
 * tabs and aligned by Go's text/tabwriter (padding 2) per block of consecutive lines; `flush()`
 * starts a new alignment, as kubectl flushes before the Events table.
 */
export class PrefixWriter {
  private segments: string[] = [];
  private current = "";

  write(level: number, text: string): void {
    this.current += "  ".repeat(level) + text;
  }

  /** A list of lines, the first after `title:\t`, the rest under it. */
  flush(): void {
    this.segments.push(this.current);
    this.current = "";
  }

  /** The text with its tabs as written, as kubectl's printTemplate leaves it (no tabwriter). */
  raw(): string {
    return [...this.segments, this.current].join("");
  }

  toString(): string {
    return [...this.segments, this.current].map((s) => goTabwriter(s, 0, 2)).join("");
  }
}

/**
 * Go's text/tabwriter over text: a tab ends a cell; a column's width is its widest cell plus
 * padding, over each run of consecutive lines that have a cell in that column.
 */
export function goTabwriter(text: string, minWidth: number, padding: number): string {
  const endsWithNewline = text.endsWith("\n");
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split("\n").map((l) => l.split("\t"));
  if (text === "") return "";
  const widths: number[] = [];
  const out: string[] = new Array(lines.length);
  const len = (s: string) => [...s].length;

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const line = lines[i]!;
      let s = "";
      for (let j = 0; j < line.length; j++) {
        const cell = line[j]!;
        if (j < widths.length && j < line.length - 1)
          s += cell + " ".repeat(Math.max(0, widths[j]! - len(cell)));
        else s += cell;
      }
      out[i] = s;
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    let start = line0;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t]!.length - 1) continue;
      writeLines(start, t);
      start = t;
      let width = minWidth;
      for (; t < line1; t++) {
        const line = lines[t]!;
        if (column >= line.length - 1) break;
        const w = len(line[column]!) + padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(start, t);
      widths.pop();
      start = t;
      t--;
    }
    writeLines(start, line1);
  };
  format(0, lines.length);
  return out.join("\n") + (endsWithNewline ? "\n" : "");
}
