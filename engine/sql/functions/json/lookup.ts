/**
 * JSON path search and in-place edits on JSONB (jsonLookupStep and helpers of json.c), plus
 * RFC 7396 merge-patch (jsonMergePatch) and strict JSONB validation (jsonbValidityCheck).
 *
 * Paths are NUL-terminated UTF-8 bytes starting after the '$'.
 */
import {
  JEDIT_DEL, JEDIT_INS, JSONB_ARRAY, JSONB_FALSE, JSONB_FLOAT, JSONB_FLOAT5, JSONB_INT, JSONB_INT5, JSONB_NULL,
  JSONB_OBJECT, JSONB_TEXT, JSONB_TEXT5, JSONB_TEXTJ, JSONB_TEXTRAW, JSONB_TRUE, JSON_MAX_DEPTH, JsonParse,
  arrayCount, gSz, isDigit, isXDigit, jsonIsOk, payloadSize,
} from './jsonb.js';
import { INVALID_CHAR, unescapeOneChar, unescapedChar, utf8ReadLimited } from './render.js';

/** json_array_insert(): insert before the array element found. */
export const JEDIT_AINS = 5;

/** json_array_insert() path ends on an object member */
export const LOOKUP_NOTARRAY = 0xfffffffc;
export const LOOKUP_ERROR = 0xffffffff;
export const LOOKUP_NOTFOUND = 0xfffffffe;
export const LOOKUP_PATHERROR = 0xfffffffd;
export const isLookupError = (x: number): boolean => x >= LOOKUP_NOTARRAY;

/** jsonLabelCompare: are two labels equal after unescaping? */
function labelCompare(
  l: Uint8Array, ls: number, nLeft: number, rawLeft: boolean,
  r: Uint8Array, rs: number, nRight: number, rawRight: boolean,
): boolean {
  if (rawLeft && rawRight) {
    if (nLeft !== nRight) return false;
    for (let k = 0; k < nLeft; k++) if (l[ls + k] !== r[rs + k]) return false;
    return true;
  }
  for (;;) {
    let cLeft: number;
    let cRight: number;
    if (nLeft === 0) cLeft = 0;
    else if (rawLeft || l[ls] !== 0x5c) {
      cLeft = l[ls];
      if (cLeft >= 0xc0) {
        const [c, len] = utf8ReadLimited(l, ls, nLeft);
        cLeft = c;
        ls += len;
        nLeft -= len;
      } else {
        ls++;
        nLeft--;
      }
    } else {
      const len = unescapeOneChar(l, ls, nLeft);
      cLeft = unescapedChar();
      ls += len;
      nLeft -= len;
    }
    if (nRight === 0) cRight = 0;
    else if (rawRight || r[rs] !== 0x5c) {
      cRight = r[rs];
      if (cRight >= 0xc0) {
        const [c, len] = utf8ReadLimited(r, rs, nRight);
        cRight = c;
        rs += len;
        nRight -= len;
      } else {
        rs++;
        nRight--;
      }
    } else {
      const len = unescapeOneChar(r, rs, nRight);
      cRight = unescapedChar();
      rs += len;
      nRight -= len;
    }
    if (cLeft !== cRight) return false;
    if (cLeft === 0) return true;
  }
}

const EMPTY_ARRAY_OBJECT = new Uint8Array([JSONB_ARRAY, JSONB_OBJECT]);

/** jsonCreateEditSubstructure: the bytes to insert for an edit whose path continues at path[i]. */
function createEditSubstructure(p: JsonParse, path: Uint8Array, i: number): { ins: JsonParse; rc: number } {
  if (path[i] === 0) {
    return { ins: new JsonParse(p.ins, p.nIns), rc: 0 };
  }
  const ins = new JsonParse(new Uint8Array(16));
  ins.blob[0] = EMPTY_ARRAY_OBJECT[path[i] === 0x2e ? 1 : 0];
  ins.nBlob = 1;
  ins.eEdit = p.eEdit;
  ins.nIns = p.nIns;
  ins.ins = p.ins;
  const rc = lookupStep(ins, 0, path, i);
  return { ins, rc };
}

/**
 * jsonLookupStep: follow path[ip..] from the element at iRoot. Returns the index of the element
 * found or a LOOKUP_* code; performs p.eEdit on the way (then the index is only meaningful as an
 * error indicator). Sets p.iLabel to the label of an object member found.
 */
export function lookupStep(p: JsonParse, iRoot: number, path: Uint8Array, ip: number, iLabel = 0): number {
  if (path[ip] === 0) {
    if (p.eEdit) {
      const n = payloadSize(p, iRoot);
      let sz = gSz + n;
      if (p.eEdit === JEDIT_DEL) {
        if (iLabel > 0) {
          sz += iRoot - iLabel;
          iRoot = iLabel;
        }
        p.edit(iRoot, sz, null, 0);
      } else if (p.eEdit === JEDIT_INS) {
        // already exists: json_insert() is a no-op
      } else if (p.eEdit === JEDIT_AINS) {
        p.edit(iRoot, 0, p.ins, p.nIns);
      } else {
        p.edit(iRoot, sz, p.ins, p.nIns);
      }
    }
    p.iLabel = iLabel;
    return iRoot;
  }
  if (path[ip] === 0x2e) {
    let rawKey = true;
    let x = p.blob[iRoot];
    ip++;
    let keyStart: number;
    let nKey: number;
    let i: number;
    if (path[ip] === 0x22) {
      keyStart = ip + 1;
      for (i = 1; path[ip + i] && path[ip + i] !== 0x22; i++) {
        if (path[ip + i] === 0x5c && path[ip + i + 1] !== 0) i++;
      }
      nKey = i - 1;
      if (path[ip + i]) i++;
      else return LOOKUP_PATHERROR;
      for (let k = 0; k < nKey; k++) {
        if (path[keyStart + k] === 0x5c) {
          rawKey = false;
          break;
        }
      }
    } else {
      keyStart = ip;
      for (i = 0; path[ip + i] && path[ip + i] !== 0x2e && path[ip + i] !== 0x5b; i++);
      nKey = i;
      if (nKey === 0) return LOOKUP_PATHERROR;
    }
    if ((x & 0x0f) !== JSONB_OBJECT) return LOOKUP_NOTFOUND;
    let n = payloadSize(p, iRoot);
    let sz = gSz;
    let j = iRoot + n;
    const iEnd = j + sz;
    while (j < iEnd) {
      x = p.blob[j] & 0x0f;
      if (x < JSONB_TEXT || x > JSONB_TEXTRAW) return LOOKUP_ERROR;
      n = payloadSize(p, j);
      sz = gSz;
      if (n === 0) return LOOKUP_ERROR;
      const k = j + n;
      if (k + sz >= iEnd) return LOOKUP_ERROR;
      const rawLabel = x === JSONB_TEXT || x === JSONB_TEXTRAW;
      if (labelCompare(path, keyStart, nKey, rawKey, p.blob, k, sz, rawLabel)) {
        if (p.eEdit === JEDIT_AINS && path[ip + i] === 0) return LOOKUP_NOTARRAY;
        const v = k + sz;
        if ((p.blob[v] & 0x0f) > JSONB_OBJECT) return LOOKUP_ERROR;
        n = payloadSize(p, v);
        sz = gSz;
        if (n === 0 || v + n + sz > iEnd) return LOOKUP_ERROR;
        const rc = lookupStep(p, v, path, ip + i, j);
        if (p.delta) p.afterEditSizeAdjust(iRoot);
        return rc;
      }
      j = k + sz;
      if ((p.blob[j] & 0x0f) > JSONB_OBJECT) return LOOKUP_ERROR;
      n = payloadSize(p, j);
      if (n === 0) return LOOKUP_ERROR;
      j += n + gSz;
    }
    if (j > iEnd) return LOOKUP_ERROR;
    if (p.eEdit === JEDIT_AINS && path[ip + i] !== 0x5b) return LOOKUP_NOTARRAY;
    if (p.eEdit >= JEDIT_INS) {
      const ix = new JsonParse(new Uint8Array(16));
      ix.appendNode(rawKey ? JSONB_TEXTRAW : JSONB_TEXT5, nKey);
      const { ins: v, rc } = createEditSubstructure(p, path, ip + i);
      if (!isLookupError(rc)) {
        const nIns = ix.nBlob + nKey + v.nBlob;
        p.edit(j, 0, null, nIns);
        p.blob.set(ix.blob.subarray(0, ix.nBlob), j);
        let kk = j + ix.nBlob;
        p.blob.set(path.subarray(keyStart, keyStart + nKey), kk);
        kk += nKey;
        p.blob.set(v.blob.subarray(0, v.nBlob), kk);
        if (p.delta) p.afterEditSizeAdjust(iRoot);
      }
      return rc;
    }
  } else if (path[ip] === 0x5b) {
    const x = p.blob[iRoot] & 0x0f;
    if (x !== JSONB_ARRAY) return LOOKUP_NOTFOUND;
    let n = payloadSize(p, iRoot);
    let sz = gSz;
    let k = 0;
    let i = 1;
    while (isDigit(path[ip + i])) {
      k = k * 10 + path[ip + i] - 48;
      i++;
    }
    if (i < 2 || path[ip + i] !== 0x5d) {
      if (path[ip + 1] === 0x23) {
        k = arrayCount(p, iRoot);
        i = 2;
        if (path[ip + 2] === 0x2d && isDigit(path[ip + 3])) {
          let nn = 0;
          i = 3;
          do {
            nn = nn * 10 + path[ip + i] - 48;
            i++;
          } while (isDigit(path[ip + i]));
          if (nn > k) return LOOKUP_NOTFOUND;
          k -= nn;
        }
        if (path[ip + i] !== 0x5d) return LOOKUP_PATHERROR;
      } else {
        return LOOKUP_PATHERROR;
      }
    }
    let j = iRoot + n;
    const iEnd = j + sz;
    while (j < iEnd) {
      if (k === 0) {
        const rc = lookupStep(p, j, path, ip + i + 1, 0);
        if (p.delta) p.afterEditSizeAdjust(iRoot);
        return rc;
      }
      k--;
      n = payloadSize(p, j);
      if (n === 0) return LOOKUP_ERROR;
      j += n + gSz;
    }
    if (j > iEnd) return LOOKUP_ERROR;
    if (k > 0) return LOOKUP_NOTFOUND;
    if (p.eEdit >= JEDIT_INS) {
      const { ins: v, rc } = createEditSubstructure(p, path, ip + i + 1);
      if (!isLookupError(rc)) p.edit(j, 0, v.blob, v.nBlob);
      if (p.delta) p.afterEditSizeAdjust(iRoot);
      return rc;
    }
    void sz;
  } else {
    return LOOKUP_PATHERROR;
  }
  return LOOKUP_NOTFOUND;
}

export const MERGE_OK = 0;
export const MERGE_BADTARGET = 1;
export const MERGE_BADPATCH = 2;

/** jsonMergePatch: apply patch (at iPatch) to target (at iTarget) in place. */
export function mergePatch(t: JsonParse, iTarget: number, pp: JsonParse, iPatch: number): number {
  let x = pp.blob[iPatch] & 0x0f;
  if (x !== JSONB_OBJECT) {
    let n = payloadSize(pp, iPatch);
    const szPatch = n + gSz;
    n = payloadSize(t, iTarget);
    const szTarget = n + gSz;
    t.edit(iTarget, szTarget, pp.blob, szPatch, iPatch);
    return MERGE_OK;
  }
  x = t.blob[iTarget] & 0x0f;
  if (x !== JSONB_OBJECT) {
    const n = payloadSize(t, iTarget);
    t.edit(iTarget + n, gSz, null, 0);
    t.blob[iTarget] = (t.blob[iTarget] & 0xf0) | JSONB_OBJECT;
  }
  let n = payloadSize(pp, iPatch);
  if (n === 0) return MERGE_BADPATCH;
  let iPCursor = iPatch + n;
  const iPEnd = iPCursor + gSz;
  n = payloadSize(t, iTarget);
  if (n === 0) return MERGE_BADTARGET;
  const iTStart = iTarget + n;
  const iTEndBE = iTStart + gSz;

  while (iPCursor < iPEnd) {
    const iPLabel = iPCursor;
    const ePLabel = pp.blob[iPCursor] & 0x0f;
    if (ePLabel < JSONB_TEXT || ePLabel > JSONB_TEXTRAW) return MERGE_BADPATCH;
    const nPLabel = payloadSize(pp, iPCursor);
    const szPLabel = gSz;
    if (nPLabel === 0) return MERGE_BADPATCH;
    const iPValue = iPCursor + nPLabel + szPLabel;
    if (iPValue >= iPEnd) return MERGE_BADPATCH;
    const nPValue = payloadSize(pp, iPValue);
    const szPValue = gSz;
    if (nPValue === 0) return MERGE_BADPATCH;
    iPCursor = iPValue + nPValue + szPValue;
    if (iPCursor > iPEnd) return MERGE_BADPATCH;

    let iTCursor = iTStart;
    const iTEnd = iTEndBE + t.delta;
    let iTLabel = 0;
    let nTLabel = 0;
    let szTLabel = 0;
    let nTValue = 0;
    let szTValue = 0;
    let iTValue = 0;
    while (iTCursor < iTEnd) {
      iTLabel = iTCursor;
      const eTLabel = t.blob[iTCursor] & 0x0f;
      if (eTLabel < JSONB_TEXT || eTLabel > JSONB_TEXTRAW) return MERGE_BADTARGET;
      nTLabel = payloadSize(t, iTCursor);
      szTLabel = gSz;
      if (nTLabel === 0) return MERGE_BADTARGET;
      iTValue = iTLabel + nTLabel + szTLabel;
      if (iTValue >= iTEnd) return MERGE_BADTARGET;
      nTValue = payloadSize(t, iTValue);
      szTValue = gSz;
      if (nTValue === 0) return MERGE_BADTARGET;
      if (iTValue + nTValue + szTValue > iTEnd) return MERGE_BADTARGET;
      const isEqual = labelCompare(
        pp.blob, iPLabel + nPLabel, szPLabel, ePLabel === JSONB_TEXT || ePLabel === JSONB_TEXTRAW,
        t.blob, iTLabel + nTLabel, szTLabel, eTLabel === JSONB_TEXT || eTLabel === JSONB_TEXTRAW,
      );
      if (isEqual) break;
      iTCursor = iTValue + nTValue + szTValue;
    }
    x = pp.blob[iPValue] & 0x0f;
    if (iTCursor < iTEnd) {
      if (x === 0) {
        t.edit(iTLabel, nTLabel + szTLabel + nTValue + szTValue, null, 0);
      } else {
        const savedDelta = t.delta;
        t.delta = 0;
        const rc = mergePatch(t, iTValue, pp, iPValue);
        if (rc) return rc;
        t.delta += savedDelta;
      }
    } else if (x > 0) {
      const szNew = szPLabel + nPLabel;
      if ((pp.blob[iPValue] & 0x0f) !== JSONB_OBJECT) {
        t.edit(iTEnd, 0, null, szPValue + nPValue + szNew);
        t.blob.set(pp.blob.subarray(iPLabel, iPLabel + szNew), iTEnd);
        t.blob.set(pp.blob.subarray(iPValue, iPValue + szPValue + nPValue), iTEnd + szNew);
      } else {
        t.edit(iTEnd, 0, null, szNew + 1);
        t.blob.set(pp.blob.subarray(iPLabel, iPLabel + szNew), iTEnd);
        t.blob[iTEnd + szNew] = 0x00;
        const savedDelta = t.delta;
        t.delta = 0;
        const rc = mergePatch(t, iTEnd + szNew, pp, iPValue);
        if (rc) return rc;
        t.delta += savedDelta;
      }
    }
  }
  if (t.delta) t.afterEditSizeAdjust(iTarget);
  return MERGE_OK;
}

/** jsonbValidityCheck: 0 when valid, else the 1-based offset of the first problem. */
export function validityCheck(p: JsonParse, i: number, iEnd: number, iDepth: number): number {
  if (iDepth > JSON_MAX_DEPTH) return i + 1;
  let n = payloadSize(p, i);
  let sz = gSz;
  if (n === 0) return i + 1;
  if (i + n + sz !== iEnd) return i + 1;
  const z = p.blob;
  const x = z[i] & 0x0f;
  let j: number;
  let k: number;
  switch (x) {
    case JSONB_NULL:
    case JSONB_TRUE:
    case JSONB_FALSE:
      return n + sz === 1 ? 0 : i + 1;
    case JSONB_INT:
      if (sz < 1) return i + 1;
      j = i + n;
      if (z[j] === 0x2d) {
        j++;
        if (sz < 2) return i + 1;
      }
      k = i + n + sz;
      while (j < k) {
        if (isDigit(z[j])) j++;
        else return j + 1;
      }
      return 0;
    case JSONB_INT5:
      if (sz < 3) return i + 1;
      j = i + n;
      if (z[j] === 0x2d) {
        if (sz < 4) return i + 1;
        j++;
      }
      if (z[j] !== 0x30) return i + 1;
      if (z[j + 1] !== 0x78 && z[j + 1] !== 0x58) return j + 2;
      j += 2;
      k = i + n + sz;
      while (j < k) {
        if (isXDigit(z[j])) j++;
        else return j + 1;
      }
      return 0;
    case JSONB_FLOAT:
    case JSONB_FLOAT5: {
      let seen = 0;
      if (sz < 2) return i + 1;
      j = i + n;
      k = j + sz;
      if (z[j] === 0x2d) {
        j++;
        if (sz < 3) return i + 1;
      }
      if (z[j] === 0x2e) {
        if (x === JSONB_FLOAT) return j + 1;
        if (!isDigit(z[j + 1])) return j + 1;
        j += 2;
        seen = 1;
      } else if (z[j] === 0x30 && x === JSONB_FLOAT) {
        if (j + 3 > k) return j + 1;
        if (z[j + 1] !== 0x2e && z[j + 1] !== 0x65 && z[j + 1] !== 0x45) return j + 1;
        j++;
      }
      for (; j < k; j++) {
        if (isDigit(z[j])) continue;
        if (z[j] === 0x2e) {
          if (seen > 0) return j + 1;
          if (x === JSONB_FLOAT && (j === k - 1 || !isDigit(z[j + 1]))) return j + 1;
          seen = 1;
          continue;
        }
        if (z[j] === 0x65 || z[j] === 0x45) {
          if (seen === 2) return j + 1;
          if (j === k - 1) return j + 1;
          if (z[j + 1] === 0x2b || z[j + 1] === 0x2d) {
            j++;
            if (j === k - 1) return j + 1;
          }
          seen = 2;
          continue;
        }
        return j + 1;
      }
      if (seen === 0) return i + 1;
      return 0;
    }
    case JSONB_TEXT:
      j = i + n;
      k = j + sz;
      while (j < k) {
        if (!jsonIsOk[z[j]] && z[j] !== 0x27) return j + 1;
        j++;
      }
      return 0;
    case JSONB_TEXTJ:
    case JSONB_TEXT5:
      j = i + n;
      k = j + sz;
      while (j < k) {
        if (!jsonIsOk[z[j]] && z[j] !== 0x27) {
          if (z[j] === 0x22) {
            if (x === JSONB_TEXTJ) return j + 1;
          } else if (z[j] <= 0x1f) {
            if (x === JSONB_TEXTJ) return j + 1;
          } else if (z[j] !== 0x5c || j + 1 >= k) {
            return j + 1;
          } else if ('"\\/bfnrt'.indexOf(String.fromCharCode(z[j + 1])) >= 0 && z[j + 1] !== 0) {
            j++;
          } else if (z[j + 1] === 0x75) {
            if (j + 5 >= k) return j + 1;
            if (!(isXDigit(z[j + 2]) && isXDigit(z[j + 3]) && isXDigit(z[j + 4]) && isXDigit(z[j + 5]))) return j + 1;
            j++;
          } else if (x !== JSONB_TEXT5) {
            return j + 1;
          } else {
            const szC = unescapeOneChar(z, j, k - j);
            if (unescapedChar() === INVALID_CHAR) return j + 1;
            j += szC - 1;
          }
        }
        j++;
      }
      return 0;
    case JSONB_TEXTRAW:
      return 0;
    case JSONB_ARRAY: {
      j = i + n;
      k = j + sz;
      while (j < k) {
        n = payloadSize(p, j);
        sz = gSz;
        if (n === 0) return j + 1;
        if (j + n + sz > k) return j + 1;
        const sub = validityCheck(p, j, j + n + sz, iDepth + 1);
        if (sub) return sub;
        j += n + sz;
      }
      return 0;
    }
    case JSONB_OBJECT: {
      let cnt = 0;
      j = i + n;
      k = j + sz;
      while (j < k) {
        n = payloadSize(p, j);
        sz = gSz;
        if (n === 0) return j + 1;
        if (j + n + sz > k) return j + 1;
        if ((cnt & 1) === 0) {
          const t = z[j] & 0x0f;
          if (t < JSONB_TEXT || t > JSONB_TEXTRAW) return j + 1;
        }
        const sub = validityCheck(p, j, j + n + sz, iDepth + 1);
        if (sub) return sub;
        cnt++;
        j += n + sz;
      }
      if ((cnt & 1) !== 0) return j + 1;
      return 0;
    }
    default:
      return i + 1;
  }
}

/**
 * jsonArgIsJsonb: does this BLOB look like JSONB? Small blobs (payload <= 7 bytes) that could also
 * be JSON text get a full validity check.
 */
export function blobIsJsonb(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  const c = b[0];
  if ((c & 0x0f) > JSONB_OBJECT) return false;
  const p = new JsonParse(b, b.length);
  const n = payloadSize(p, 0);
  const sz = gSz;
  if (n === 0 || sz + n !== b.length) return false;
  if ((c & 0x0f) <= JSONB_FALSE && sz !== 0) return false;
  if (sz > 7 || (c !== 0x7b && c !== 0x5b && !isDigit(c))) return true;
  return validityCheck(p, 0, b.length, 1) === 0;
}

// keep the imported type names referenced for readers of the JSONB type table
void JSONB_FLOAT5; void JSONB_INT5; void JSONB_TEXTJ; void JSONB_TEXT5; void JSONB_FLOAT; void JSONB_INT;
