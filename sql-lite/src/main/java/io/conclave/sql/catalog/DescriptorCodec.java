package io.conclave.sql.catalog;

import io.conclave.sql.SqlType;
import io.conclave.sql.encoding.CorruptDataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link TableDescriptor}: a format byte, then fields in a fixed order
 * through {@link DataOutputStream}. A reader refuses a format it does not know rather than guess.
 * Public for the scan filters, which carry the descriptor of the table they read to the ranges.
 */
public final class DescriptorCodec {
    private static final int FORMAT = 1;

    private DescriptorCodec() {}

    public static byte[] encode(TableDescriptor table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(table.id());
            out.writeUTF(table.name());
            out.writeLong(table.version());
            out.writeInt(table.nextColumnId());
            out.writeInt(table.nextIndexId());
            out.writeInt(table.columns().size());
            for (ColumnDescriptor c : table.columns()) {
                out.writeInt(c.id());
                out.writeUTF(c.name());
                out.writeUTF(c.type().family().name());
                out.writeInt(c.type().width());
                out.writeInt(c.type().precision());
                out.writeInt(c.type().scale());
                out.writeBoolean(c.nullable());
                out.writeBoolean(c.defaultSql() != null);
                if (c.defaultSql() != null) {
                    out.writeUTF(c.defaultSql());
                }
                out.writeBoolean(c.hidden());
            }
            writeIndex(out, table.primaryIndex());
            out.writeInt(table.secondaryIndexes().size());
            for (IndexDescriptor index : table.secondaryIndexes()) {
                writeIndex(out, index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TableDescriptor decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new CorruptDataException("table descriptor format " + format + " is unknown");
            }
            long id = in.readLong();
            String name = in.readUTF();
            long version = in.readLong();
            int nextColumnId = in.readInt();
            int nextIndexId = in.readInt();
            int columnCount = in.readInt();
            List<ColumnDescriptor> columns = new ArrayList<>();
            for (int i = 0; i < columnCount; i++) {
                int columnId = in.readInt();
                String columnName = in.readUTF();
                SqlType.Family family = SqlType.Family.valueOf(in.readUTF());
                SqlType type = new SqlType(family, in.readInt(), in.readInt(), in.readInt());
                boolean nullable = in.readBoolean();
                String defaultSql = in.readBoolean() ? in.readUTF() : null;
                columns.add(new ColumnDescriptor(columnId, columnName, type, nullable, defaultSql,
                        in.readBoolean()));
            }
            IndexDescriptor primary = readIndex(in);
            int indexCount = in.readInt();
            List<IndexDescriptor> indexes = new ArrayList<>();
            for (int i = 0; i < indexCount; i++) {
                indexes.add(readIndex(in));
            }
            return new TableDescriptor(id, name, version, columns, primary, indexes, nextColumnId, nextIndexId);
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptDataException("table descriptor does not decode: " + e.getMessage());
        }
    }

    private static void writeIndex(DataOutputStream out, IndexDescriptor index) throws IOException {
        out.writeInt(index.id());
        out.writeUTF(index.name());
        out.writeBoolean(index.unique());
        out.writeInt(index.columnIds().size());
        for (int columnId : index.columnIds()) {
            out.writeInt(columnId);
        }
    }

    private static IndexDescriptor readIndex(DataInputStream in) throws IOException {
        int id = in.readInt();
        String name = in.readUTF();
        boolean unique = in.readBoolean();
        int count = in.readInt();
        List<Integer> columnIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            columnIds.add(in.readInt());
        }
        return new IndexDescriptor(id, name, unique, columnIds);
    }
}
