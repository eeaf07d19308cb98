// CSV export of what a console view shows: RFC 4180 quoting, a BOM so spreadsheet
// programs read the Chinese text as UTF-8, and a download made in the page. Every export
// is told to the server (`exported`), which writes it to the audit log.

let exportListener = () => {};

/** Who hears of each export: (what, rows) with what one of tickets, report, ratings, hot_questions. */
export function onCsvExport(listener) {
  exportListener = listener;
}

/** Downloads `rows` under `header` as `fileName` and reports the export. */
export function exportCsv(what, fileName, header, rows) {
  downloadCsv(fileName, toCsv(header, rows));
  exportListener(what, rows.length);
}

/** @param {string[]} header @param {unknown[][]} rows */
export function toCsv(header, rows) {
  const cell = (value) => {
    const text = value === null || value === undefined ? '' : String(value);
    // A leading =, +, - or @ would run as a formula in a spreadsheet: quoted and prefixed.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\r\n']/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function downloadCsv(fileName, csv) {
  const url = URL.createObjectURL(new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
