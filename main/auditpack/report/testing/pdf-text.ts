import { inflateSync } from 'node:zlib';

/**
 * Just enough of a PDF reader for tests of pdfkit output: the text drawn on the pages, one
 * string per text-showing operator, decoded through each font's ToUnicode map (pdfkit embeds
 * Roboto as a subset, so the content streams hold glyph ids, not characters), plus the
 * trailer /ID and the info dictionary's dates.
 */
export interface PdfText {
  /** Each Tj / TJ run, in drawing order. */
  runs: string[];
  /** The runs joined as drawn (pdfmake draws word by word, spaces included), for toContain checks. */
  text: string;
  id: string | null;
  creationDate: string | null;
  modDate: string | null;
  pages: number;
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const s = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const head = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(s)) !== null) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    const body = s.slice(start, end);
    const streamAt = body.indexOf('stream');
    let stream: Buffer | null = null;
    let dict = body;
    if (streamAt >= 0 && body.startsWith('<<')) {
      dict = body.slice(0, streamAt);
      const length = /\/Length (\d+)/.exec(dict);
      const dataStart = start + streamAt + 'stream'.length + (s[start + streamAt + 6] === '\r' ? 2 : 1);
      const raw = length ? pdf.subarray(dataStart, dataStart + Number(length[1])) : Buffer.alloc(0);
      stream = /\/Filter\s*\/FlateDecode/.test(dict) ? inflateSync(raw) : raw;
    }
    objects.set(Number(m[1]), { dict, stream });
    head.lastIndex = end;
  }
  return objects;
}

/** ToUnicode "bfrange" arrays as pdfkit writes them: <start> <end> [<u> <u> ...]. */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const r of cmap.matchAll(/<([0-9a-fA-F]+)> <([0-9a-fA-F]+)> \[([^\]]*)\]/g)) {
    let code = parseInt(r[1]!, 16);
    for (const u of r[3]!.matchAll(/<([0-9a-fA-F ]+)>/g)) {
      const units = u[1]!.split(' ').map((h) => parseInt(h, 16));
      map.set(code++, String.fromCharCode(...units));
    }
  }
  return map;
}

export function extractPdfText(pdf: Buffer): PdfText {
  const objects = readObjects(pdf);
  const fonts = new Map<string, Map<number, string>>();
  const all = pdf.toString('latin1');
  for (const [, name, ref] of all.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const font = objects.get(Number(ref));
    const tu = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
    const cmap = tu ? objects.get(Number(tu[1]))?.stream : undefined;
    if (cmap && !fonts.has(name!)) fonts.set(name!, parseCmap(cmap.toString('latin1')));
  }
  const runs: string[] = [];
  let pages = 0;
  for (const o of objects.values()) {
    if (/\/Type\s*\/Page\b/.test(o.dict)) pages++;
    if (!o.stream || /\/Length1|\/Subtype|\/Type/.test(o.dict)) continue;
    const content = o.stream.toString('latin1');
    let font: Map<number, string> | undefined;
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|(\[[^\]]*\]) TJ|(<[0-9a-fA-F]*>) Tj/g)) {
      if (op[1]) {
        font = fonts.get(op[1]);
        continue;
      }
      const hex = [...(op[2] ?? op[3])!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!).join('');
      let text = '';
      for (let i = 0; i + 4 <= hex.length; i += 4) text += font?.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
      runs.push(text);
    }
  }
  const id = /\/ID \[<([0-9a-fA-F]+)> <[0-9a-fA-F]+>\]/.exec(all);
  // pdfkit writes info strings as indirect objects: /CreationDate 26 0 R → 26 0 obj (D:…) endobj.
  const date = (key: string) => {
    const direct = new RegExp(`/${key} \\((D:[^)]*)\\)`).exec(all);
    if (direct) return direct[1]!;
    const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(all);
    const body = ref ? objects.get(Number(ref[1]))?.dict : undefined;
    return body ? (/\((D:[^)]*)\)/.exec(body)?.[1] ?? null) : null;
  };
  return { runs, text: runs.join(''), id: id?.[1] ?? null, creationDate: date('CreationDate'), modDate: date('ModDate'), pages };
}
