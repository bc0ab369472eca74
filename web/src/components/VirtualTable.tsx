import { useState, type ReactNode } from "react";

/** A table that renders only the rows in view (plus a margin): 10,000 rows stay cheap. */
export function VirtualTable<T>({
  rows,
  rowHeight = 34,
  height = 420,
  header,
  row,
  label,
}: {
  rows: T[];
  rowHeight?: number;
  height?: number;
  header: ReactNode;
  row: (r: T, i: number) => ReactNode;
  label: string;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - 10);
  const last = Math.min(rows.length, Math.ceil((top + height) / rowHeight) + 10);
  return (
    <div className="virtual" style={{ maxHeight: height }} onScroll={(e) => setTop(e.currentTarget.scrollTop)} tabIndex={0} role="region" aria-label={label}>
      <table aria-rowcount={rows.length + 1}>
        <thead>{header}</thead>
        <tbody>
          {first > 0 ? <tr aria-hidden="true" style={{ height: first * rowHeight }} /> : null}
          {rows.slice(first, last).map((r, i) => row(r, first + i))}
          {last < rows.length ? <tr aria-hidden="true" style={{ height: (rows.length - last) * rowHeight }} /> : null}
        </tbody>
      </table>
    </div>
  );
}
