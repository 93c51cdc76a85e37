package io.conclave.storage;

/** Byte-array helpers shared by the codecs and error messages. */
final class Bytes {
    private Bytes() {}

    /** Keys in messages: printable ASCII as is, the rest as \xNN, cut at 64 bytes. */
    static String toDisplay(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(bytes.length, 64);
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') sb.append((char) b);
            else sb.append(String.format("\\x%02x", b));
        }
        if (bytes.length > n) sb.append("...(").append(bytes.length).append(" bytes)");
        return sb.toString();
    }
}
