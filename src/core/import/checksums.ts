/**
 * The checksums other tools keep of a migration file, computed here to tell whether a file is still the one the
 * tool applied.
 */
import { createHash } from 'node:crypto';

let table: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of the bytes. */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Flyway's checksum of a SQL script as its history table stores it: the file is read line by line
 * (java.io.BufferedReader.readLine: a line ends at \n, \r or \r\n, which are not part of it), a byte order mark
 * is dropped from the first line, and the CRC-32 is updated with each line's UTF-8 bytes; the result is stored as
 * a signed 32-bit integer. Feeding the lines one after the other with nothing between them is the CRC-32 of the
 * text with every line break removed. (flyway-core ChecksumCalculator / LoadableResource.)
 */
export function flywayChecksum(text: string): number {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return crc32(Buffer.from(body.replace(/[\r\n]/g, ''), 'utf8')) | 0;
}

/** Sqitch's script_hash: the SHA-1 of the deploy script's bytes as they are on disk (hex). */
export function sqitchScriptHash(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
