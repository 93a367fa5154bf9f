// File uploads for the bulk screens (대량 예약, 상담사 일괄 등록): POST a file as it is, with upload
// progress (fetch has none), and save a text file the browser builds (a template, a list).

import { getToken } from "./api";

export interface RowError {
  line: number;
  field: string;
  message: string;
}

/** POSTs `file` to `path?filename=…&query`; resolves with the status and the parsed JSON body. */
export function sendFile(path: string, file: File, query: string, onProgress: (p: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${path}?filename=${encodeURIComponent(file.name)}&${query}`);
    xhr.setRequestHeader("authorization", `Bearer ${getToken() ?? ""}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("업로드하지 못했습니다"));
    xhr.send(file);
  });
}

/** One CSV cell, quoted when it needs to be. */
export function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Saves `rows` as a CSV file Excel opens in Korean (UTF-8 with a byte-order mark). */
export function saveCsv(name: string, rows: string[][]): void {
  const text = "\uFEFF" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
