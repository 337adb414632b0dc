/** One CSV line split into its cells (RFC 4180: a quote opens a cell only at its start, "" is a quote inside quotes). */
export function splitCsvLine(line: string, delimiter = ',', quote = '"'): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === quote && line[i + 1] === quote) { cell += quote; i++; }
      else if (ch === quote) quoted = false;
      else cell += ch;
    } else if (ch === quote && cell === '') quoted = true;
    else if (ch === delimiter) { cells.push(cell); cell = ''; }
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}
