// Downloads of authenticated files: the API needs the bearer token and account headers, which
// a plain link cannot send, so the file is fetched and handed to the browser as a blob.

/** The file name of a Content-Disposition header, or the fallback. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return sanitize(decodeURIComponent(star[1].trim())) || fallback;
    } catch {
      /* a malformed encoding: try the plain parameter */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(disposition);
  const name = plain ? (plain[2] ?? plain[1]).trim() : "";
  return sanitize(name) || fallback;
}

const sanitize = (name: string): string => name.replace(/[\\/\x00-\x1f]/g, "_").replace(/^\.+/, "");

export async function saveResponse(response: Response, fallback: string): Promise<void> {
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileNameOf(response.headers.get("Content-Disposition"), fallback);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
