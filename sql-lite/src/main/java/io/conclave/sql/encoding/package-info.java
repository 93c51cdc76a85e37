/**
 * How SQL data becomes bytes.
 *
 * <h2>Keys</h2>
 * {@link io.conclave.sql.encoding.TableKeys}: {@code 0x10 uvarint(table) uvarint(index)
 * column...}, below which 0x04..0x0F stay free for other user data. Column values use
 * {@link io.conclave.sql.encoding.KeyEncoding}, which is order-preserving (byte order equals
 * value order, NULL first) and prefix-free (no encoding is a prefix of another), so a composite
 * key compares column by column and the keys with a given prefix form one contiguous span —
 * the two facts the planner's spans rest on. Table and index ids use an ordered uvarint (length
 * byte, then big-endian bytes).
 *
 * <h2>Values</h2>
 * {@link io.conclave.sql.encoding.RowCodec}: the non-key columns tagged by column id, NULLs left
 * out; tags by id rather than position so columns can later be added and dropped without
 * rewriting rows.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Changing any encoding changes the meaning of stored data; there is no version byte in
 *       keys (there is one in row values), so a key format change needs a migration.</li>
 *   <li>Strings order by code point (UTF-8 byte order), not by a collation; {@code Value}
 *       compares the same way, and any collation support must change both together.</li>
 *   <li>-0.0 is stored as 0.0 and decimals are normalised (trailing zeros stripped) in keys, so
 *       equal values have equal keys; a decoded key decimal may therefore have a smaller scale
 *       than the value inserted.</li>
 *   <li>{@link io.conclave.sql.encoding.TableKeys#MAX_KEY_BYTES} mirrors the range layer's key
 *       limit; a longer key is refused at write time (54000).</li>
 * </ul>
 */
package io.conclave.sql.encoding;
