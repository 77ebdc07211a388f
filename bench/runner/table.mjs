/** Padded columns; `right` aligns numbers. The last column is left unpadded (long reasons). */
export function formatTable(columns, rows) {
  const cells = rows.map((row) => columns.map((c) => String(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const line = (values) =>
    values
      .map((v, i) => {
        if (i === values.length - 1) return v;
        return columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.title)), rule, ...cells.map(line)].join('\n');
}

/** A number column's cell: `digits` decimals, '-' where there is no figure. */
export function fixed(digits) {
  return (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
}
